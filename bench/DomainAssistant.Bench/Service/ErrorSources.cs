using DomainAssistant.Evaluation.Answers;

namespace DomainAssistant.Bench.Service;

/// <summary>Why a held-out question was answered wrong; the first cause that applies, in this order.</summary>
public enum ErrorSource
{
    /// <summary>The gold document is not among the chunks the host's retriever returns (top-k), nor in the prompt.</summary>
    RetrievalMiss,

    /// <summary>Retrieved, but the prompt composer dropped every chunk of the gold document to fit the context.</summary>
    PromptTruncation,

    /// <summary>The gold document's chunk was in the prompt and the answer is a decline (<see cref="Declines"/>).</summary>
    FalseDecline,

    /// <summary>The gold document's chunk was in the prompt; the answer cites chunks of other documents only.</summary>
    WrongChunk,

    /// <summary>The gold document's chunk was in the prompt, the answer cites it or nothing, and the key facts are wrong.</summary>
    CopyError,

    /// <summary>Retrieved, but the answer has no stored lineage to tell whether the chunk reached the prompt.</summary>
    Unknown,
}

/// <summary>
/// Where the wrong answers come from: each held-out question answered wrong (key facts, <see cref="KeyFacts"/>) gets
/// one <see cref="ErrorSource"/>, judged from what the host retrieved (<see cref="HostRetrieval"/>), what its prompt
/// held (the stored lineage, <see cref="PromptContext"/>) and what the answer cites and says. Causes before the model
/// come first: a decline without the gold chunk in the prompt is the retrieval's or the composer's fault, not a false
/// decline. A gold chunk found in the prompt always wins over the retriever's view (the prompt is what the model saw).
/// </summary>
public static class ErrorSources
{
    /// <param name="Wrong">Held-out questions answered wrong (failed requests left out).</param>
    /// <param name="Answered">Held-out questions answered.</param>
    /// <param name="Counts">Wrong answers per cause.</param>
    /// <param name="Examples">The first wrong answer of each cause: (question, reference, answer).</param>
    /// <param name="PromptsOutsideRetrieval">A check of <see cref="HostRetrieval"/>: answers (right or wrong) whose prompt held a
    /// document the benchmark's retriever did not return for the question; 0 when it retrieves as the host did.</param>
    public sealed record Result(int Wrong, int Answered, IReadOnlyDictionary<ErrorSource, int> Counts,
        IReadOnlyDictionary<ErrorSource, (string Question, string Reference, string Answer)> Examples, int PromptsOutsideRetrieval);

    /// <param name="answers">The held-out answers (<see cref="AnswerAccuracy.Result.Answers"/>).</param>
    /// <param name="promptDocuments">Per stored message, the documents of its prompt's chunks (<see cref="PromptContext.Result.Documents"/>).</param>
    /// <param name="retrievedDocuments">Per held-out question id, the documents of the host's top-k chunks.</param>
    public static Result Of(IReadOnlyList<HeldOutAnswer> answers, IReadOnlyDictionary<Guid, IReadOnlyList<string>> promptDocuments,
        IReadOnlyDictionary<string, IReadOnlyList<string>> retrievedDocuments)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(promptDocuments);
        ArgumentNullException.ThrowIfNull(retrievedDocuments);
        var counts = Enum.GetValues<ErrorSource>().ToDictionary(s => s, _ => 0);
        var examples = new Dictionary<ErrorSource, (string, string, string)>();
        var answered = answers.Where(a => a.Answer is not null).ToList();
        var wrong = answered.Where(a => !a.Correct).ToList();
        foreach (var a in wrong)
        {
            var source = Classify(a, promptDocuments, retrievedDocuments);
            counts[source]++;
            examples.TryAdd(source, (a.Question.Question, a.Question.Answer, a.Answer!.Text));
        }
        var outside = answered.Count(a => a.Answer!.MessageId is { } id && promptDocuments.TryGetValue(id, out var inPrompt)
            && retrievedDocuments.TryGetValue(a.Question.Id, out var retrieved) && inPrompt.Except(retrieved).Any());
        return new Result(wrong.Count, answered.Count, counts, examples, outside);
    }

    /// <summary>The cause of one wrong answer (rules on <see cref="ErrorSource"/>).</summary>
    public static ErrorSource Classify(HeldOutAnswer answer, IReadOnlyDictionary<Guid, IReadOnlyList<string>> promptDocuments,
        IReadOnlyDictionary<string, IReadOnlyList<string>> retrievedDocuments)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(promptDocuments);
        ArgumentNullException.ThrowIfNull(retrievedDocuments);
        var gold = answer.Question.DocumentId;
        var response = answer.Answer ?? throw new ArgumentException("a failed request has no error source", nameof(answer));
        IReadOnlyList<string>? inPrompt = response.MessageId is { } id && promptDocuments.TryGetValue(id, out var documents) ? documents : null;
        if (inPrompt is not null && inPrompt.Contains(gold))
        {
            if (answer.Declined) return ErrorSource.FalseDecline;
            var cited = response.CitedSources;
            return cited.Count > 0 && !cited.Contains(gold) ? ErrorSource.WrongChunk : ErrorSource.CopyError;
        }
        var retrieved = retrievedDocuments.TryGetValue(answer.Question.Id, out var top) && top.Contains(gold);
        if (!retrieved) return ErrorSource.RetrievalMiss;
        return inPrompt is null ? ErrorSource.Unknown : ErrorSource.PromptTruncation;
    }
}
