namespace DomainAssistant.Api.Http;

/// <summary>RFC 9457 problem details the endpoints answer with.</summary>
public static class Problems
{
    public static IResult Create(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    public static IResult BadRequest(string detail) => Create(StatusCodes.Status400BadRequest, "Bad request", detail);

    /// <summary>400 naming each invalid field.</summary>
    public static IResult Invalid(string field, string problem) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [problem] }, detail: problem);

    public static IResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>503 with a hint to retry: the model or the index is still warming up (or failed to start).</summary>
    public static IResult NotReady(HttpContext context, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = "5";
        return Create(StatusCodes.Status503ServiceUnavailable, "Not ready", detail);
    }
}
