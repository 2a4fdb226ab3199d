namespace DomainAssistant.Training.Sft;

/// <summary>The data an adapter was trained on.</summary>
public sealed record DatasetLineage
{
    public required string Path { get; init; }
    public required string Sha256 { get; init; }
    public required string Version { get; init; }
    public required IReadOnlyList<string> Files { get; init; }
    public required int TrainExamples { get; init; }
    public required int EvalExamples { get; init; }

    /// <summary>Conversations cut short to fit a row.</summary>
    public required int Truncated { get; init; }

    /// <summary>Lines skipped as corrupt, each "file:line: problem".</summary>
    public required IReadOnlyList<string> SkippedLines { get; init; }
}
