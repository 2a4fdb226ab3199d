using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace DomainAssistant.Api.Http;

/// <summary>
/// Reads a request's JSON body into a record, turning every way it can be wrong (not JSON, wrong
/// types, empty) into a 400 problem that says what was wrong, instead of the framework's bare 400.
/// </summary>
public static partial class JsonBody
{
    /// <summary>
    /// Largest JSON body the endpoints read (1 MiB): the <see cref="BodyLimit.Default"/> that
    /// <see cref="BodyLimitMiddleware"/> enforces while the body is read, answered with 413 by <see cref="BodyReadFailures"/>.
    /// </summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>The body, or a problem result to return as it is.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        var (value, error) = await ParseAsync<T>(request, cancellationToken);
        return (value, error is null ? null : Problems.Create(error.Status, error.Title, error.Detail));
    }

    /// <summary>The body, or what is wrong with it.</summary>
    public static async Task<(T? Value, BodyError? Error)> ParseAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
            return (null, new BodyError(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."));
        var json = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, json, cancellationToken);
            return value is null ? (null, BadRequest("The request body must be a JSON object, not null.")) : (value, null);
        }
        catch (JsonException error) when (IsUndecodableText(error))
        {
            // Otherwise the client reads "could not be converted to ChatRequest", which names our type and not its mistake.
            return (null, BadRequest($"The request body's {error.Path ?? "text"} {JsonText.Invalid}."));
        }
        catch (JsonException error)
        {
            // The parser's message names the position (and, for a type mismatch, the property); the body is not echoed.
            return (null, BadRequest($"The request body is not valid JSON for this endpoint: {WithoutOurTypeNames(error.Message)}"));
        }
    }

    // The reader's failure to turn a JSON string into a .NET one: invalid UTF-8 (a DecoderFallbackException inside) or an
    // escaped surrogate without its pair (the reader's own "invalid UTF-16" message; it carries no inner exception).
    static bool IsUndecodableText(JsonException error) => error.InnerException is InvalidOperationException inner
        && (inner.InnerException is System.Text.DecoderFallbackException || inner.Message.Contains("UTF-16", StringComparison.Ordinal));

    // A type mismatch names the .NET type it wanted ("could not be converted to" and the full name of one of our request records):
    // our class names mean nothing to a client, which needs to hear that an object of another shape was expected.
    static string WithoutOurTypeNames(string message) => OurTypeName().Replace(message, "the JSON object this endpoint expects");

    [GeneratedRegex(@"DomainAssistant(\.\w+)+(\+\w+)*")]
    private static partial Regex OurTypeName();

    static BodyError BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Bad request", detail);
}

/// <summary>Why a request body could not be read: the status to answer and what to say.</summary>
public sealed record BodyError(int Status, string Title, string Detail);
