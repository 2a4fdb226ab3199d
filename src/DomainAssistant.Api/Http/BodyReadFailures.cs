using System.Text;
using Microsoft.AspNetCore.Diagnostics;

namespace DomainAssistant.Api.Http;

/// <summary>
/// The one place where a request body that could not be read becomes a 4xx instead of a 500: too large (413, whatever
/// the transfer encoding), too slow or cut short before its Content-Length (408), malformed framing (400, e.g. a bad
/// chunk), or text that is not valid UTF-8 (400). Endpoints let these exceptions travel; the answer is a problem
/// (OpenAI's error body on <c>/v1</c>, through <see cref="OpenAi.OpenAiProblemWriter"/>).
/// </summary>
public sealed partial class BodyReadFailures(IProblemDetailsService problems, ILogger<BodyReadFailures> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (Classify(exception) is not var (status, title, detail)) return false;
        LogRefused(logger, httpContext.Request.Method, httpContext.Request.Path, status, detail);
        httpContext.Response.StatusCode = status;
        // The rest of a refused body is not worth reading: the connection closes after the answer.
        if (status is StatusCodes.Status413PayloadTooLarge or StatusCodes.Status408RequestTimeout) httpContext.Response.Headers.Connection = "close";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>The status, title and message for a body-reading failure; null for any other exception.</summary>
    public static (int Status, string Title, string Detail)? Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge => (413, "Request body too large", tooLarge.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => (408, "Request body too slow",
            "The request body did not arrive in time: it came too slowly, or it ended before the length its Content-Length announced."),
        BadHttpRequestException bad => (bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400, "Bad request body",
            $"The request body could not be read: {bad.Message}"),
        DecoderFallbackException => (400, "Bad text encoding", "The request body is not valid UTF-8 text."),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path}: body refused with {Status} ({Detail})")]
    static partial void LogRefused(ILogger logger, string method, PathString path, int status, string detail);
}
