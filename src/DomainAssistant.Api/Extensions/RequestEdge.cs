using DomainAssistant.Api.Configuration;
using DomainAssistant.Api.Http;
using DomainAssistant.Api.OpenAi;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DomainAssistant.Api.Extensions;

/// <summary>
/// What stands between the network and the endpoints: security headers, the one handler of body-reading failures, the
/// one handler of store outages (503 with Retry-After), the length of <c>X-User-Id</c>,
/// OpenAI-shaped problems on <c>/v1</c>, body limits, CORS (off unless configured) and rate limits. The composition
/// root calls <see cref="AddRequestEdge"/> before it adds problem details, and places the middleware by
/// <see cref="UseEdgeHeaders"/> (first), <see cref="UseEdgeLimits"/> (after error handling) and
/// <see cref="UseEdgeRateLimits"/> (once the caller is known).
/// </summary>
public static class RequestEdge
{
    public static IServiceCollection AddRequestEdge(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Before AddProblemDetails: the problem details service asks its writers in registration order.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, OpenAiProblemWriter>());
        services.AddExceptionHandler<BodyReadFailures>();
        services.AddExceptionHandler<StoreOutages>();
        services.AddCrossOrigin(OptionsSection.Bind<CrossOriginOptions>(configuration, CrossOriginOptions.Section));
        services.AddAssistantRateLimits(OptionsSection.Bind<RateLimitOptions>(configuration, RateLimitOptions.Section));
        return services;
    }

    /// <summary>First in the pipeline, so every response carries the headers, errors included.</summary>
    public static IApplicationBuilder UseEdgeHeaders(this IApplicationBuilder app) => app.UseSecurityHeaders().UseCrossOrigin();

    /// <summary>After the exception handler, which answers the 413 these throw.</summary>
    public static IApplicationBuilder UseEdgeLimits(this IApplicationBuilder app) => app.UseBodyLimits().UseUserIdHeaderCheck();

    /// <summary>After authentication: the limits are per user and per key.</summary>
    public static IApplicationBuilder UseEdgeRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();
}
