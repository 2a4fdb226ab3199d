using System.Security.Claims;
using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Http;
using DomainAssistant.Api.Serving;
using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Jobs.Alignment;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace DomainAssistant.Api.Operator;

/// <summary>
/// The adapter registry for operators (operator key): <c>POST /api/operator/adapters</c> registers a zip of a PEFT
/// folder (201 <c>{"id","sha256"}</c>), <c>GET /api/operator/adapters</c> lists them with their gate verdicts, and
/// <c>POST /api/operator/adapters/{id}/gate</c> starts the domain's gate against the adapter in production (202
/// <c>{"jobId"}</c>; <c>GET /api/jobs/{id}</c> follows it).
/// </summary>
public static class AdaptersApi
{
    public const string ZipMediaType = "application/zip";

    public static IEndpointRouteBuilder MapAdaptersApi(this IEndpointRouteBuilder app)
    {
        var adapters = app.MapGroup("/api/operator/adapters").RequireAuthorization(Policies.Operator);
        var options = app.ServiceProvider.GetRequiredService<OperatorOptions>();
        adapters.MapPost("/", RegisterAsync).WithName("RegisterAdapter").DisableAntiforgery().WithBodyLimit(options.MaxAdapterBytes, "Operator:MaxAdapterBytes");
        adapters.MapGet("/", ListAsync).WithName("Adapters");
        adapters.MapPost("/{id}/gate", GateAsync).WithName("GateAdapter");
        return app;
    }

    /// <summary>The answer to a registration.</summary>
    public sealed record Registered(string Id, string Sha256);

    /// <summary>The answer to a gate request.</summary>
    public sealed record GateStarted(Guid JobId);

    static async Task<IResult> RegisterAsync(HttpContext context, [FromQuery] string? domain, [FromQuery] string[]? parent, DomainCatalog catalog, ModelHost models,
        IAdapterRegistry registry, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) || !type.MediaType.Equals(ZipMediaType, StringComparison.OrdinalIgnoreCase))
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the adapter folder as a zip with Content-Type: {ZipMediaType} (got {(string.IsNullOrEmpty(context.Request.ContentType) ? "none" : context.Request.ContentType)}).");
        var profile = domain is null ? catalog.Default : catalog.Find(domain);
        if (profile is null) return Problems.Invalid("domain", domain is null ? "There is no domain to register the adapter for." : $"No domain is named \"{domain}\".");
        if (models.Current is not { } model) return Problems.NotReady(context, "The model is not loaded yet: an adapter is checked against its base.");

        // The archive must be seekable to read its directory, and is untrusted: it goes to a file, never whole into memory.
        await using var zip = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        await context.Request.Body.CopyToAsync(zip, cancellationToken);
        zip.Position = 0;
        var by = context.User.FindFirstValue(ClaimTypes.Name) ?? "operator";
        try
        {
            var (adapter, created) = await registry.RegisterZipAsync(zip, new AdapterRegistration(profile.Name, model.Pretrained.Model.Config, parent ?? [], by), cancellationToken);
            var body = new Registered(adapter.Id, adapter.Sha256);
            return created ? Results.Created($"/api/operator/adapters/{adapter.Id}", body) : Results.Ok(body);
        }
        catch (AdapterRejectedException refused)
        {
            return refused.Rejection switch
            {
                AdapterRejection.NotAZip => Problems.Create(StatusCodes.Status400BadRequest, "Not a zip archive", refused.Message),
                AdapterRejection.TooLarge => Problems.Create(StatusCodes.Status413PayloadTooLarge, "Adapter too large", refused.Message),
                _ => Problems.Create(StatusCodes.Status422UnprocessableEntity, "Adapter refused", refused.Message),
            };
        }
    }

    static async Task<IResult> ListAsync(IAdapterRegistry registry, AdapterRelease release, CancellationToken cancellationToken)
    {
        var views = new List<AdapterView>();
        foreach (var adapter in await registry.ListAsync(cancellationToken))
            views.Add(AdapterView.Of(adapter, await release.WhyNotReleasableAsync(adapter, cancellationToken), await release.VerdictsAsync(adapter, cancellationToken)));
        return Results.Ok(views);
    }

    static async Task<IResult> GateAsync(string id, HttpContext context, IAdapterRegistry registry, ModelHost models, GateSuites suites, GateJobs jobs,
        PromotedAdapters promoted, CancellationToken cancellationToken)
    {
        if (await registry.FindAsync(id, cancellationToken) is not { } adapter) return Problems.NotFound($"No adapter has id \"{id}\".");
        if (models.Current is not { } model) return Problems.NotReady(context, "The model is not loaded yet: the gate runs against the adapter it serves.");
        var (suite, missing) = suites.For(adapter.Domain);
        if (suite is null) return Problems.Create(StatusCodes.Status422UnprocessableEntity, "No gate suite", missing!);
        if (AdapterRelease.WhyChanged(adapter) is { } changed) return Problems.Create(StatusCodes.Status422UnprocessableEntity, "Adapter changed", changed);
        // Judged against the domain's production adapter: an experiment's promoted treatment, else the one the host serves.
        var baseline = await promoted.FolderAsync(adapter.Domain, cancellationToken)
            ?? (model.DefaultAdapter is { } production ? model.Adapters[production].Folder : null);
        var job = await jobs.StartAsync(adapter, suite, model.BasePath, baseline, context.User.FindFirstValue(ClaimTypes.Name), cancellationToken);
        return Results.Accepted($"/api/jobs/{job.Id}", new GateStarted(job.Id));
    }
}
