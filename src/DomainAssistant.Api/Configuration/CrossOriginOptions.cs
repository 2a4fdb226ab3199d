namespace DomainAssistant.Api.Configuration;

/// <summary>
/// Cross-origin requests (section <c>Cors</c>): off unless origins are listed. The pages are served by the host itself
/// and need none; list an origin only for a browser app served elsewhere that calls this API.
/// </summary>
public sealed class CrossOriginOptions : ISelfValidating
{
    public const string Section = "Cors";

    /// <summary>Origins (<c>https://app.example.com</c>) whose pages may call the API; empty (the default) allows none.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    public IEnumerable<string> Problems()
    {
        foreach (var origin in AllowedOrigins)
        {
            if (origin == "*" || !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/")
                yield return $"{Section}:AllowedOrigins holds \"{origin}\": list each origin as scheme://host[:port], no wildcard, no path";
        }
    }
}
