namespace DomainAssistant.Retrieval.Ranking;

/// <summary>Which ranked lists a retrieved chunk was found in.</summary>
[Flags]
public enum RetrievalSources
{
    None = 0,
    Lexical = 1,
    Dense = 2,
}
