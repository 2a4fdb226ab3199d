using Microsoft.Extensions.FileProviders;

namespace DomainAssistant.Api.Web;

/// <summary>
/// Serves the web pages (wwwroot: the chat at <c>/</c>, a cited passage at <c>/source.html</c>, corpus upload at
/// <c>/upload.html</c>): plain HTML, CSS and JavaScript with no build step and nothing from other origins, under a
/// strict content security policy.
/// </summary>
public static class WebPages
{
    /// <summary>Scripts, styles and requests come from this host only; nothing may frame the pages.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static WebApplication UseWebPages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var pages = PagesFolder(app.Environment);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = pages });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = pages,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache"; // revalidated by ETag: small files, always current after an upgrade
            },
        });
        return app;
    }

    /// <summary>
    /// The content root's wwwroot when it has the pages (dotnet run, tests, a published folder), else the copy built
    /// beside the application (running the built dll from any working directory).
    /// </summary>
    static IFileProvider PagesFolder(IWebHostEnvironment environment)
    {
        if (environment.WebRootFileProvider.GetFileInfo("index.html").Exists) return environment.WebRootFileProvider;
        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(beside) ? new PhysicalFileProvider(beside) : environment.WebRootFileProvider;
    }
}
