namespace DomainAssistant.Api.Http;

/// <summary>
/// The security headers the pages carry, on every response the host sends: API answers, errors, status pages,
/// 429s and server-sent events. Set just before the headers go out (error handling clears headers set earlier); a
/// header already chosen (the pages' fuller content security policy) is kept.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>For answers that are not pages: nothing may load from them and nothing may frame them.</summary>
    public const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(state =>
            {
                var headers = ((HttpResponse)state).Headers;
                headers.TryAdd("X-Content-Type-Options", "nosniff");
                headers.TryAdd("X-Frame-Options", "DENY");
                headers.TryAdd("Content-Security-Policy", ApiContentSecurityPolicy);
                headers.TryAdd("Referrer-Policy", "no-referrer");
                return Task.CompletedTask;
            }, context.Response);
            await next(context);
        });
}
