using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Http;

namespace DomainAssistant.Api.Domains;

/// <summary>
/// <c>GET /api/domains</c> (open): the domains and their descriptions. <c>POST /api/domains/{domain}/reindex</c>
/// (domain-team): re-ingests the domain's corpus folder. Corpus upload belongs here too.
/// </summary>
public static class DomainsApi
{
    public static IEndpointRouteBuilder MapDomainsApi(this IEndpointRouteBuilder app)
    {
        var domains = app.MapGroup("/api/domains");
        domains.MapGet("/", ListDomains).WithName("Domains").RequireAuthorization(Policies.Chat);
        domains.MapPost("/{domain}/reindex", ReindexAsync).WithName("ReindexDomain").RequireAuthorization(Policies.DomainTeam);
        return app;
    }

    /// <summary>A domain as clients see it.</summary>
    public sealed record DomainSummary(string Name, string DisplayName, string Description, bool IsDefault);

    static IResult ListDomains(DomainCatalog catalog) =>
        Results.Ok(catalog.All.Values.Select(d => new DomainSummary(d.Name, d.DisplayName, d.Description, d.Name == catalog.Default?.Name)));

    static async Task<IResult> ReindexAsync(string domain, DomainCatalog catalog, CorpusIndex index, CancellationToken cancellationToken)
    {
        var profile = catalog.Find(domain);
        if (profile is null) return Problems.NotFound($"No domain is named \"{domain}\".");
        var report = await index.IngestAsync(profile, cancellationToken);
        return Results.Ok(report);
    }
}
