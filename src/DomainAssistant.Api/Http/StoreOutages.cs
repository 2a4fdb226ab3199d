using Microsoft.AspNetCore.Diagnostics;

namespace DomainAssistant.Api.Http;

/// <summary>
/// The one place where a store that cannot serve (<see cref="StoreOutage"/>) becomes 503 with Retry-After instead of
/// a 500: the client learns which store failed and that retrying later is right, and nothing of the request was kept
/// (each store writes in a transaction, so a failed write leaves no half). Endpoints let these exceptions travel;
/// the answer is a problem (OpenAI's error body on <c>/v1</c>, through <see cref="OpenAi.OpenAiProblemWriter"/>).
/// A chat stream that already began cannot change its status: it ends with its error event instead.
/// </summary>
public sealed partial class StoreOutages(IProblemDetailsService problems, ILogger<StoreOutages> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (StoreOutage.Classify(exception) is not { } outage) return false;
        // One line per refused request: during an outage every request fails the same way, and a stack trace each
        // would bury the log; the trace is there at Debug for whoever needs it.
        LogOutage(logger, httpContext.Request.Method, httpContext.Request.Path, outage.Store, outage.Engine, exception.GetBaseException().Message);
        LogOutageDetail(logger, exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = outage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Store unavailable", Detail = outage.Detail },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: answered 503, the {Store} ({Engine}) is unavailable: {Reason}")]
    static partial void LogOutage(ILogger logger, string method, PathString path, string store, string engine, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The store outage answered 503 above")]
    static partial void LogOutageDetail(ILogger logger, Exception exception);
}
