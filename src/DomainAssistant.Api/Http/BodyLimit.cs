namespace DomainAssistant.Api.Http;

/// <summary>
/// Endpoint metadata: the most bytes this endpoint reads from a request body, and the setting that says so (named in
/// the 413). Endpoints without it get <see cref="JsonBody.MaxBytes"/>.
/// </summary>
/// <param name="MaxBytes">Bytes read at most, counted while reading, whatever the transfer encoding.</param>
/// <param name="Setting">Where the limit comes from, for the message (a configuration key, or "the JSON body limit").</param>
public sealed record BodyLimit(long MaxBytes, string Setting)
{
    /// <summary>The limit of every endpoint that names none: JSON bodies.</summary>
    public static BodyLimit Default { get; } = new(JsonBody.MaxBytes, "the JSON body limit");

    public string TooLargeMessage => $"The request body may be at most {MaxBytes} bytes ({Setting}).";
}

/// <summary>Puts a <see cref="BodyLimit"/> on an endpoint.</summary>
public static class BodyLimitEndpoints
{
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long maxBytes, string setting) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(maxBytes, setting));
}
