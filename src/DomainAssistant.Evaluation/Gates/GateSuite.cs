namespace DomainAssistant.Evaluation.Gates;

/// <summary>A gate suite as read from its file (format: eval-suites/README.md, schema: eval-suites/suite.schema.json).</summary>
/// <param name="Name">The suite's name.</param>
/// <param name="DomainFolder">The domain's folder (domain.json, corpus), resolved against the suite file.</param>
/// <param name="Seed">Seeds generation and the bootstrap: the same inputs give the same verdict.</param>
/// <param name="Cases">Every case, in file order.</param>
/// <param name="Thresholds">What each metric must meet.</param>
/// <param name="Path">The suite file.</param>
/// <param name="Sha256">Of the suite file and every case file it names, in order (a changed case file is a changed suite).</param>
public sealed record GateSuite(string Name, string DomainFolder, int Seed, IReadOnlyList<SuiteCase> Cases, IReadOnlyList<MetricThreshold> Thresholds,
    string Path, string Sha256)
{
    public IEnumerable<SuiteCase> OfKind(SuiteCaseKind kind) => Cases.Where(c => c.Kind == kind);
}

/// <summary>A suite file that cannot be used, naming the field and why.</summary>
public sealed class SuiteFormatException(string path, string field, string reason)
    : Exception($"{path}: {field} {reason}")
{
    public string Field { get; } = field;
}
