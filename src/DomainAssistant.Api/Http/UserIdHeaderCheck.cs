using DomainAssistant.Api.Auth;

namespace DomainAssistant.Api.Http;

/// <summary>
/// Refuses (400) an <c>X-User-Id</c> longer than <see cref="CallerIdentity.MaxLength"/>: a longer id would otherwise be
/// dropped without a word, and the caller served as nobody in particular (its flag variant and rate limits changing).
/// </summary>
public static class UserIdHeaderCheck
{
    public static IApplicationBuilder UseUserIdHeaderCheck(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var header = context.Request.Headers[CallerIdentity.UserIdHeader].ToString().Trim();
            if (header.Length > CallerIdentity.MaxLength)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status400BadRequest, Title = "Bad request",
                        Detail = $"The {CallerIdentity.UserIdHeader} header may be at most {CallerIdentity.MaxLength} characters (got {header.Length}).",
                    },
                });
                return;
            }
            await next(context);
        });
}
