using DomainAssistant.Api.Experiments;
using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Chat;
using DomainAssistant.Api.Http;
using DomainAssistant.Api.Serving;

namespace DomainAssistant.Api.Admin;

/// <summary><c>GET /api/admin/model</c> (operator): the served model, its resident adapters with checksums, and the flag that picks them.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(Policies.Operator);
        admin.MapGet("/model", DescribeModel).WithName("AdminModel");
        return app;
    }

    /// <summary>The served model as operators see it.</summary>
    public sealed record ModelReport(string Name, string Source, int ContextLength, string? DefaultAdapter, IReadOnlyList<AdapterInfo> Adapters, string Flag);

    static IResult DescribeModel(HttpContext context, ModelHost host)
    {
        if (host.Current is not { } model) return Problems.NotReady(context, $"The model is not ready yet ({host.Warmup.Detail}).");
        return Results.Ok(new ModelReport(model.Name, model.Pretrained.Source, model.ContextLength, model.DefaultAdapter,
            [.. model.Adapters.Values.OrderBy(a => a.Name, StringComparer.Ordinal)], AdapterSelector.FeatureName));
    }
}
