using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Import;

public static class ImportServiceCollectionExtensions
{
    /// <summary>Import of DICOM files and zips through the browser (the endpoints are in <see cref="ImportEndpoints"/>).</summary>
    public static WebApplicationBuilder AddImport(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<ImportService>();
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section)
            .Validate(o => o.MaxFileBytes > 0 && o.MaxZipBytes > 0 && o.MaxZipTotalBytes > 0 && o.MaxCompressionRatio >= 1 && o.CompressionRatioFloorBytes >= 0
                && o.Parallelism is >= 1 and <= 16, "Import limits must be positive and parallelism 1..16.")
            .ValidateOnStart();
        services.AddNavItem(new NavItem("Import", "import", Icons.Material.Filled.UploadFile, Permissions.Import, 110));
        return builder;
    }
}
