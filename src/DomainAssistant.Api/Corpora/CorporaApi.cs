using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Configuration;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Http;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Corpus upload for domain teams (domain-team key): <c>POST /api/domains/{domain}/corpora</c> stores the files as
/// the domain's next version and queues its ingestion (202 with the job); <c>GET .../corpora</c> lists the versions;
/// <c>GET .../corpora/{version}</c> shows one, with the folders training reads (<c>sftData</c>);
/// <c>POST /api/domains/{domain}/reindex</c> re-ingests the domain's corpus folder and newest version as a job, and
/// answers with what it did once it has run (200 with the ingestion report).
/// </summary>
public static class CorporaApi
{
    public static IEndpointRouteBuilder MapCorporaApi(this IEndpointRouteBuilder app)
    {
        var corpora = app.MapGroup("/api/domains/{domain}/corpora").RequireAuthorization(Policies.DomainTeam);
        var limits = app.ServiceProvider.GetRequiredService<UploadOptions>();
        corpora.MapPost("/", UploadAsync).WithName("UploadCorpus").DisableAntiforgery()
            .WithBodyLimit(limits.MaxRequestBytes, "Uploads:MaxBytes of files, plus room for the multipart framing");
        corpora.MapGet("/", List).WithName("CorpusVersions");
        corpora.MapGet("/{version:int}", Show).WithName("CorpusVersion");
        app.MapPost("/api/domains/{domain}/reindex", ReindexAsync).WithName("ReindexDomain").RequireAuthorization(Policies.DomainTeam);
        return app;
    }

    static async Task<IResult> ReindexAsync(string domain, HttpContext context, DomainCatalog catalog, CorpusJobs jobs, CancellationToken cancellationToken)
    {
        var profile = catalog.Find(domain);
        if (profile is null) return Problems.NotFound($"No domain is named \"{domain}\".");
        var report = await jobs.ReindexAsync(profile, CallerIdentity.UserId(context), cancellationToken);
        return Results.Ok(report);
    }

    /// <summary>A stored version as clients see it: the manifest, and where its files are for training.</summary>
    /// <param name="Manifest">What the version holds.</param>
    /// <param name="Folder">The version's folder.</param>
    /// <param name="DocumentsFolder">Its documents (the retrieval index's uploaded part).</param>
    /// <param name="SftData">Its Q/A files as an SFT dataset (<c>da train sft --data</c>); null when it has none.</param>
    public sealed record CorpusVersionView(CorpusManifest Manifest, string Folder, string DocumentsFolder, string? SftData)
    {
        public static CorpusVersionView Of(CorpusVersion version) => new(version.Manifest, version.Folder, version.DocumentsFolder, version.SftDataFolder);
    }

    /// <summary>The answer to an upload: the version stored and the job that indexes it.</summary>
    public sealed record UploadReceipt(CorpusVersionView Version, JobRecord Job);

    static async Task<IResult> UploadAsync(string domain, HttpContext context, DomainCatalog catalog, UploadOptions limits, CorpusVersions versions,
        CorpusJobs jobs, CancellationToken cancellationToken)
    {
        if (catalog.Find(domain) is not { } profile) return Problems.NotFound($"No domain is named \"{domain}\".");
        var uploader = CallerIdentity.UserId(context);
        CorpusVersion version;
        try
        {
            var upload = await CorpusUploadReader.ReadAsync(context.Request, limits, cancellationToken);
            version = await versions.AddAsync(domain, upload, uploader, cancellationToken);
        }
        catch (CorpusUploadException refused)
        {
            return refused.ToProblem();
        }
        var job = await jobs.StartAsync(profile, version.Manifest.Version, uploader, CancellationToken.None);
        return Results.Accepted($"/api/jobs/{job.Id}", new UploadReceipt(CorpusVersionView.Of(version), job));
    }

    static IResult List(string domain, DomainCatalog catalog, CorpusVersions versions)
    {
        if (catalog.Find(domain) is null) return Problems.NotFound($"No domain is named \"{domain}\".");
        return Results.Ok(versions.Numbers(domain).Select(n => versions.Find(domain, n)).OfType<CorpusVersion>().Select(CorpusVersionView.Of));
    }

    static IResult Show(string domain, int version, DomainCatalog catalog, CorpusVersions versions)
    {
        if (catalog.Find(domain) is null) return Problems.NotFound($"No domain is named \"{domain}\".");
        return versions.Find(domain, version) is { } found
            ? Results.Ok(CorpusVersionView.Of(found))
            : Problems.NotFound($"Domain \"{domain}\" has no corpus version {version}.");
    }
}
