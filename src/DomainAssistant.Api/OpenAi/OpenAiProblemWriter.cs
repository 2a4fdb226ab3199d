using Microsoft.AspNetCore.WebUtilities;

namespace DomainAssistant.Api.OpenAi;

/// <summary>
/// Every problem answered under <c>/v1</c> (body failures, 401/403, 404, 429, 500, status pages) goes out as OpenAI's
/// <c>{"error": {"message","type","param","code"}}</c>, so OpenAI clients can read it. Registered before the default
/// problem details writer, which serves every other path.
/// </summary>
public sealed class OpenAiProblemWriter : IProblemDetailsWriter
{
    public const string Prefix = "/v1";

    public bool CanWrite(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.HttpContext.Request.Path.StartsWithSegments(Prefix);
    }

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ?? http.Response.StatusCode;
        var message = problem.Detail ?? Fallback(http, status, problem.Title);
        var body = new ErrorBody(new ErrorDetail(message, TypeOf(status), null, CodeOf(status)));
        return new ValueTask(http.Response.WriteAsJsonAsync(body, http.RequestAborted));
    }

    // The framework's own refusals (no endpoint, wrong method) come without a detail: say what was asked and why not,
    // rather than a bare "The request failed." that an OpenAI client shows its user.
    static string Fallback(HttpContext http, int status, string? title) => status switch
    {
        StatusCodes.Status404NotFound => $"No endpoint answers {http.Request.Method} {http.Request.Path}.",
        StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
        _ => title ?? (ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "The request failed."),
    };

    /// <summary>OpenAI's error types by status (its documented error codes table).</summary>
    public static string TypeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status404NotFound => "not_found_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    static string? CodeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "invalid_api_key",
        StatusCodes.Status408RequestTimeout => "request_timeout",
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "rate_limit_exceeded",
        _ => null,
    };
}
