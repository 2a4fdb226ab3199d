namespace DomainAssistant.Retrieval.Tests.Support;

/// <summary>A token counter for tests that need exact, easy-to-reason limits: one token per whitespace-separated word.</summary>
public static class WordTokens
{
    public static int Count(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
