using MudBlazor;
using OrthancPortal.Components.Layout;

namespace OrthancPortal.Features.Tasks;

public static class TasksServiceCollectionExtensions
{
    public static WebApplicationBuilder AddTasks(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TaskQueue>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TaskQueue>());
        builder.Services.AddScoped<TaskListService>();
        builder.Services.AddNavItem(new NavItem("My tasks", "tasks", Icons.Material.Filled.Checklist, null, 800));
        return builder;
    }

    /// <summary>Registers the handler of one task type (scoped: one instance per run).</summary>
    public static IServiceCollection AddTaskHandler<THandler>(this IServiceCollection services) where THandler : class, ITaskHandler
        => services.AddScoped<ITaskHandler, THandler>();
}
