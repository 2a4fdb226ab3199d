using System.Globalization;
using DomainAssistant.Experiments;
using DomainAssistant.Experiments.Rollout;

namespace DomainAssistant.Api.Experiments;

/// <summary>
/// The unattended rollout (section <c>Experiments:Rollout</c>): an experiment started for each adapter an alignment run
/// passes through its gate, and every running experiment ramped, promoted or rolled back by its own rule
/// (<see cref="RolloutRule"/>) at each guardrail evaluation.
/// </summary>
public sealed class RolloutOptions
{
    static readonly double[] DefaultRamp = [25, 50];

    /// <summary>Off: alignment runs only report their verdict, and experiments change only by operators and guardrails. Default on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The new adapter's share of users when its experiment starts. Default 10.</summary>
    public double FirstPercent { get; set; } = 10;

    /// <summary>Later shares, rising, each taken once the step before it has its raters. Default 25, 50 (null here: the default;
    /// a list the binder fills would be added to a non-empty default).</summary>
    public double[]? Ramp { get; set; }

    /// <summary>Raters of each variant a ramp step needs before the rollout leaves it. Default 50.</summary>
    public int MinRatersPerStep { get; set; } = new RolloutPolicy().MinRatersPerStep;

    /// <summary>Ratings after which a still inconclusive experiment is rolled back. Default 5000.</summary>
    public long InconclusiveAfterRatings { get; set; } = new RolloutPolicy().InconclusiveAfterRatings;

    public IReadOnlyList<double> RampSteps => Ramp ?? DefaultRamp;

    /// <summary>The rule's thresholds, or null when the rollout is off.</summary>
    public RolloutPolicy? Policy() => Enabled ? new RolloutPolicy { MinRatersPerStep = MinRatersPerStep, InconclusiveAfterRatings = InconclusiveAfterRatings } : null;

    public IEnumerable<string> Problems()
    {
        var problems = new List<string>();
        // The same checks an experiment's draft and the rule's policy make, worded with the keys.
        try
        {
            new ExperimentDraft("rollout", "domain", null, "adapter", FirstPercent, RampSteps).Validate();
        }
        catch (ArgumentException invalid)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"Experiments:Rollout:FirstPercent ({FirstPercent}) and Experiments:Rollout:Ramp ({string.Join(", ", RampSteps)}) must be shares 0-100, each above the one before: {invalid.Message}"));
        }
        try
        {
            new RolloutPolicy { MinRatersPerStep = MinRatersPerStep, InconclusiveAfterRatings = InconclusiveAfterRatings }.Validate();
        }
        catch (ArgumentException invalid)
        {
            problems.Add($"Experiments:Rollout:MinRatersPerStep and Experiments:Rollout:InconclusiveAfterRatings: {invalid.Message}");
        }
        return problems;
    }
}
