using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Http;

namespace DomainAssistant.Api.Domains;

/// <summary>
/// <c>GET /api/domains</c> (open): the domains and their descriptions. What a domain team does to a domain's corpus
/// (upload, reindex) is in <c>CorporaApi</c>.
/// </summary>
public static class DomainsApi
{
    public static IEndpointRouteBuilder MapDomainsApi(this IEndpointRouteBuilder app)
    {
        var domains = app.MapGroup("/api/domains");
        domains.MapGet("/", ListDomains).WithName("Domains").RequireAuthorization(Policies.Chat);
        return app;
    }

    /// <summary>A domain as clients see it.</summary>
    public sealed record DomainSummary(string Name, string DisplayName, string Description, bool IsDefault);

    static IResult ListDomains(DomainCatalog catalog) =>
        Results.Ok(catalog.All.Values.Select(d => new DomainSummary(d.Name, d.DisplayName, d.Description, d.Name == catalog.Default?.Name)));
}
