using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Tasks;

namespace OrthancPortal.Features.QueryRetrieve;

public static class QueryRetrieveServiceCollectionExtensions
{
    public static WebApplicationBuilder AddQueryRetrieve(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<QueryRetrieveOptions>().BindConfiguration(QueryRetrieveOptions.Section);
        builder.Services.AddScoped<QueryRetrieveService>();
        builder.Services.AddSingleton<OwnAetCache>();
        builder.Services.AddScoped<RetrieveTracker>();
        builder.Services.AddScoped<QueryHistory>();
        builder.Services.AddTaskHandler<RetrieveTaskHandler>();
        builder.Services.AddNavItem(new NavItem("Query / retrieve", "query", Icons.Material.Filled.CloudDownload, Permissions.Query, 300));
        return builder;
    }
}
