namespace DomainAssistant.Experiments.Statistics;

/// <summary>
/// What all looks of an always-valid test have shown so far: the running minimum of the p-values and the running
/// intersection of the intervals (Johari et al. 2017, §3: both stay valid because each look's are valid at every time
/// at once). It is what gets stored, so a restart does not forget a look that already excluded zero.
/// </summary>
public readonly record struct SequentialEvidence(double PValue, double Low, double High)
{
    /// <summary>Before any look: nothing excluded.</summary>
    public static SequentialEvidence None { get; } = new(1, double.NegativeInfinity, double.PositiveInfinity);

    public SequentialEvidence After(SequentialLook look) =>
        new(Math.Min(PValue, look.PValue), Math.Max(Low, look.Interval.Low), Math.Min(High, look.Interval.High));

    /// <summary>
    /// Zero out of the interval is the same event as the p-value at or below α (the interval is the set of θ₀ with
    /// 1/Λ(θ₀) above α), so the decision is read from the interval: which side of zero the effect lies.
    /// </summary>
    public ExperimentDecision Decision =>
        Low > 0 ? ExperimentDecision.TreatmentBetter
        : High < 0 ? ExperimentDecision.TreatmentWorse
        : ExperimentDecision.Inconclusive;
}
