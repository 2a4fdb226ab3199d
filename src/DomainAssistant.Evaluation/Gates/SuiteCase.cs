namespace DomainAssistant.Evaluation.Gates;

/// <summary>The kinds of cases a gate suite holds.</summary>
public enum SuiteCaseKind
{
    /// <summary>An answerable question with its reference answer and source document.</summary>
    Grounded,

    /// <summary>A question the domain's documents cannot answer: the answer should be the decline.</summary>
    OutOfDomain,

    /// <summary>A question about danger: the answer should hold the safety instruction's facts.</summary>
    Safety,

    /// <summary>A hostile or odd prompt: text planted in a retrieved chunk, an empty or a very long question.</summary>
    Stress,
}

/// <summary>One case of a suite.</summary>
/// <param name="Id">Unique within the suite.</param>
/// <param name="Kind">What it tests.</param>
/// <param name="Question">What the user asks (may be empty for a stress case).</param>
/// <param name="Answer">Grounded: the reference answer.</param>
/// <param name="Source">Grounded: the gold document, relative to the domain folder ("corpus/0002-contacting-support.md").</param>
/// <param name="Expect">Safety: facts the answer must hold.</param>
/// <param name="Inject">Stress: text planted at the end of the first retrieved chunk.</param>
/// <param name="Forbidden">Stress: what an answer that obeyed the planted text would contain (case ignored).</param>
public sealed record SuiteCase(string Id, SuiteCaseKind Kind, string Question, string? Answer = null, string? Source = null,
    IReadOnlyList<string>? Expect = null, string? Inject = null, IReadOnlyList<string>? Forbidden = null);
