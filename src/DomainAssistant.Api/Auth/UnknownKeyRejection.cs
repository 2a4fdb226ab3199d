using Microsoft.AspNetCore.Authentication;

namespace DomainAssistant.Api.Auth;

/// <summary>
/// Refuses (401) any request that sends an API key the host does not know, even on open endpoints: a client with a
/// wrong key should learn so at once rather than be served as anonymous.
/// </summary>
public static class UnknownKeyRejection
{
    public static IApplicationBuilder UseUnknownKeyRejection(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var result = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
            if (result.Failure is not null)
            {
                await context.ChallengeAsync(ApiKeyAuthenticationHandler.SchemeName);
                return;
            }
            await next(context);
        });
}
