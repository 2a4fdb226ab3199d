using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DomainAssistant.ServiceDefaults;

/// <summary>
/// Health checks every host has: <c>/alive</c> answers 200 while the process runs (liveness, for restarts);
/// readiness checks (the bus's, registered by MassTransit, and each host's own) answer on the host's health route.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The tag of checks that say only that the process is alive.</summary>
    public const string LiveTag = "live";

    public static IServiceCollection AddDefaultHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return services;
    }

    /// <summary>Maps <c>/alive</c> (liveness only), anonymous.</summary>
    public static IEndpointRouteBuilder MapAliveEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) }).AllowAnonymous();
        return app;
    }

    /// <summary>Maps <paramref name="route"/> to every registered check (200 when all are healthy, else 503), anonymous.</summary>
    /// <param name="app">The host's routes.</param>
    /// <param name="route">The route, "/health".</param>
    /// <param name="responseWriter">Writes the body; ASP.NET Core's plain status word when null.</param>
    public static IEndpointRouteBuilder MapReadinessEndpoint(this IEndpointRouteBuilder app, string route,
        Func<HttpContext, HealthReport, Task>? responseWriter = null)
    {
        var options = new HealthCheckOptions();
        if (responseWriter is not null) options.ResponseWriter = responseWriter;
        app.MapHealthChecks(route, options).AllowAnonymous();
        return app;
    }
}
