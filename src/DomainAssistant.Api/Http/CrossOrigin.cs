using DomainAssistant.Api.Configuration;

namespace DomainAssistant.Api.Http;

/// <summary>
/// CORS only when <c>Cors:AllowedOrigins</c> lists origins: then those origins may call the API with any method and
/// header (keys travel in headers, never cookies, so credentials stay off). With none listed nothing is registered and
/// browsers keep their same-origin rule.
/// </summary>
public static class CrossOrigin
{
    const string Policy = "configured-origins";

    public static IServiceCollection AddCrossOrigin(this IServiceCollection services, CrossOriginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        if (options.AllowedOrigins.Count == 0) return services;
        return services.AddCors(cors => cors.AddPolicy(Policy, policy =>
            policy.WithOrigins([.. options.AllowedOrigins]).AllowAnyMethod().AllowAnyHeader().WithExposedHeaders("Retry-After", "Location")));
    }

    public static IApplicationBuilder UseCrossOrigin(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ApplicationServices.GetRequiredService<CrossOriginOptions>().AllowedOrigins.Count == 0 ? app : app.UseCors(Policy);
    }
}
