using DomainAssistant.Evaluation.Suites;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Evaluation.Retrieval;

/// <summary>
/// Recall@k on held-out questions: a question is a hit when one of the top k chunks a retriever returns comes from the
/// document its pair names as source (<see cref="HeldOutQuestion.DocumentId"/>).
/// </summary>
public static class RetrievalRecall
{
    /// <summary>Whether <paramref name="top"/> holds a chunk of <paramref name="question"/>'s source document.</summary>
    public static bool IsHit(IReadOnlyList<RetrievedChunk> top, HeldOutQuestion question)
    {
        ArgumentNullException.ThrowIfNull(top);
        ArgumentNullException.ThrowIfNull(question);
        return top.Any(r => r.Chunk.DocumentId == question.DocumentId);
    }

    /// <summary>How many of <paramref name="questions"/> are hits with the top <paramref name="k"/> chunks in <paramref name="mode"/>.</summary>
    public static async Task<int> HitsAsync(HybridRetriever retriever, string domain, IReadOnlyList<HeldOutQuestion> questions, int k,
        RetrievalMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(questions);
        var hits = 0;
        foreach (var question in questions)
            if (IsHit(await retriever.RetrieveAsync(question.Question, domain, k, mode, cancellationToken), question)) hits++;
        return hits;
    }
}
