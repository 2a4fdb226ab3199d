namespace DomainAssistant.Training.Data;

/// <summary>A data line that could not be used: where it is and what is wrong with it.</summary>
/// <param name="File">The data file.</param>
/// <param name="Line">1-based line number (0 for a whole file).</param>
/// <param name="Problem">What is wrong, in a few words.</param>
public sealed record DataIssue(string File, int Line, string Problem)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Problem}" : $"{File}: {Problem}";
}
