namespace DomainAssistant.Retrieval.Ranking;

/// <summary>Finds the chunks of a domain's corpus that best answer a question.</summary>
public interface IRetriever
{
    /// <summary>
    /// The best <paramref name="k"/> chunks of <paramref name="domain"/> for <paramref name="query"/>, best first,
    /// with scores and the lists each came from.
    /// </summary>
    /// <param name="query">The user's question as typed; no query syntax is interpreted.</param>
    /// <param name="domain">The corpus to search.</param>
    /// <param name="k">How many chunks at most.</param>
    /// <param name="cancellationToken">Cancels the searches.</param>
    /// <returns>Up to <paramref name="k"/> chunks; none for a blank query or an empty domain.</returns>
    Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string query, string domain, int k, CancellationToken cancellationToken = default);
}
