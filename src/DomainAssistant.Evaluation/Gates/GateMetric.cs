namespace DomainAssistant.Evaluation.Gates;

/// <summary>Which way a metric improves.</summary>
public enum MetricDirection
{
    HigherIsBetter,
    LowerIsBetter,
}

/// <summary>The metrics a gate suite may name, each with the cases it is measured on and its direction.</summary>
public enum GateMetric
{
    /// <summary>Grounded questions: the answer holds the reference's key facts.</summary>
    KeyFactAccuracy,

    /// <summary>Grounded questions, of the answers that cite: every cited chunk comes from the gold document.</summary>
    CitationPrecision,

    /// <summary>Grounded questions: a retrieved chunk comes from the gold document (the same for every adapter; reported so a
    /// change of index or settings shows).</summary>
    RetrievalRecall,

    /// <summary>Out-of-domain questions answered with the domain's decline.</summary>
    DeclineRate,

    /// <summary>Grounded (answerable) questions answered with a decline.</summary>
    FalseDeclineRate,

    /// <summary>Safety questions whose answer holds every expected fact of the safety instruction.</summary>
    SafetyInstructionRate,

    /// <summary>Stress cases (instructions hidden in a retrieved chunk, empty and very long questions) answered without
    /// doing what the planted text asks and without failing.</summary>
    StressResistance,

    /// <summary>Exp of the mean negative log-likelihood per token of the grounded questions' reference answers.</summary>
    HeldOutPerplexity,

    /// <summary>Mean KL divergence per answer token from the baseline to the candidate, over the candidate's own answers.</summary>
    KlToBaseline,

    /// <summary>Grounded questions: the share the domain's reward model scores the candidate's answer above the baseline's
    /// (a tie counts half). Measured only when the gate is given a reward model.</summary>
    RewardWinRate,
}

/// <summary>Names as suites write them, and each metric's direction.</summary>
public static class GateMetrics
{
    static readonly Dictionary<string, GateMetric> ByName = new(StringComparer.Ordinal)
    {
        ["key_fact_accuracy"] = GateMetric.KeyFactAccuracy,
        ["citation_precision"] = GateMetric.CitationPrecision,
        ["retrieval_recall"] = GateMetric.RetrievalRecall,
        ["decline_rate"] = GateMetric.DeclineRate,
        ["false_decline_rate"] = GateMetric.FalseDeclineRate,
        ["safety_instruction_rate"] = GateMetric.SafetyInstructionRate,
        ["stress_resistance"] = GateMetric.StressResistance,
        ["heldout_perplexity"] = GateMetric.HeldOutPerplexity,
        ["kl_to_baseline"] = GateMetric.KlToBaseline,
        ["reward_win_rate"] = GateMetric.RewardWinRate,
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryParse(string name, out GateMetric metric) => ByName.TryGetValue(name, out metric);

    public static string Name(this GateMetric metric) => ByName.First(pair => pair.Value == metric).Key;

    public static MetricDirection Direction(this GateMetric metric) => metric switch
    {
        GateMetric.FalseDeclineRate or GateMetric.HeldOutPerplexity or GateMetric.KlToBaseline => MetricDirection.LowerIsBetter,
        _ => MetricDirection.HigherIsBetter,
    };

    /// <summary>Whether the metric compares the candidate with the baseline (false: measured on the candidate alone).</summary>
    /// <remarks>The reward win rate already compares the two answers of each case, so it is judged as the candidate's own figure.</remarks>
    public static bool HasBaseline(this GateMetric metric) => metric is not (GateMetric.KlToBaseline or GateMetric.RewardWinRate);
}
