using DomainAssistant.Api.Configuration;

namespace DomainAssistant.Api.Operator;

/// <summary>The operator's adapter registry and gates (section <c>Operator</c>).</summary>
public sealed class OperatorOptions : ISelfValidating
{
    public const string Section = "Operator";

    /// <summary>Most bytes of one uploaded adapter zip; more is refused with 413. Default 256 MiB.</summary>
    public long MaxAdapterBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Most bytes an adapter's files may expand to; more is refused with 413. Default 1 GiB.</summary>
    public long MaxAdapterExtractedBytes { get; set; } = 1L << 30;

    /// <summary>
    /// The folder of gate suites, one <c>{domain}/gate.json</c> each. Default: the repository's <c>eval-suites</c>,
    /// found above the working directory or the app.
    /// </summary>
    public string? GateSuites { get; set; }

    public IEnumerable<string> Problems()
    {
        if (MaxAdapterBytes is < 1 or > 1L << 34) yield return $"Operator:MaxAdapterBytes must be between 1 and 17179869184 (got {MaxAdapterBytes})";
        if (MaxAdapterExtractedBytes < 1) yield return $"Operator:MaxAdapterExtractedBytes must be positive (got {MaxAdapterExtractedBytes})";
        if (GateSuites is not null && !Directory.Exists(GateSuites)) yield return $"Operator:GateSuites '{Path.GetFullPath(GateSuites)}' does not exist";
    }
}
