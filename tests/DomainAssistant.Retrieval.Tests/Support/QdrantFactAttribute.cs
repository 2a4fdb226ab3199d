namespace DomainAssistant.Retrieval.Tests.Support;

/// <summary>A fact that runs only against a real Qdrant server named by QDRANT_URL, and is skipped with the reason otherwise.</summary>
public sealed class QdrantFactAttribute : FactAttribute
{
    public static string? Url => Environment.GetEnvironmentVariable("QDRANT_URL") is { Length: > 0 } url ? url : null;

    public QdrantFactAttribute()
    {
        if (Url is null)
            Skip = "Skipped: set QDRANT_URL (e.g. http://localhost:6333) to run the Qdrant integration tests against a real server.";
    }
}
