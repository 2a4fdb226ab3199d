namespace DomainAssistant.Retrieval.Vectors.Qdrant;

/// <summary>Where the Qdrant server is and which collection holds the chunks (configuration "Retrieval:Qdrant").</summary>
public sealed class QdrantOptions
{
    /// <summary>Base URL of Qdrant's REST API, e.g. http://localhost:6333.</summary>
    public string Url { get; set; } = "";

    /// <summary>Collection for all domains' chunks (the domain is a payload field and a filter). Default "domain-assistant".</summary>
    public string Collection { get; set; } = "domain-assistant";

    /// <summary>Sent as the api-key header when set (Qdrant Cloud, or a server started with an API key).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when the values cannot work.</summary>
    public void Validate(string prefix = "Qdrant")
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"{prefix}:Url must be an absolute http(s) URL such as http://localhost:6333, got '{Url}'.");
        if (string.IsNullOrEmpty(Collection) || !Collection.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"{prefix}:Collection must be letters, digits, '-' or '_', got '{Collection}'.");
    }
}
