namespace DomainAssistant.Experiments.Analysis;

/// <summary>The levels and mixtures of an experiment's tests.</summary>
public sealed record ExperimentAnalysisOptions
{
    /// <summary>α of every interval and always-valid test: 0.05 gives 95% intervals.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>
    /// τ of the up-rate test: the size of effect it is quickest to find. Adapters that matter move the up-rate by
    /// several points; 0.1 keeps the test quick there and still valid for smaller effects (only slower).
    /// </summary>
    public double MixtureStandardDeviation { get; init; } = 0.1;

    /// <summary>τ of the guardrail tests: regressions in error and decline rates are smaller, so a narrower mixture.</summary>
    public double GuardrailMixtureStandardDeviation { get; init; } = 0.05;

    /// <summary>
    /// Raters each arm needs before a look counts, and users each arm needs before a guardrail can be breached. The variance over users is itself estimated, and from a handful of
    /// users it can come out small by chance; waiting for some users keeps the test at its α (bench/RESULTS.md,
    /// repeat raters).
    /// </summary>
    public int MinimumUsersPerVariant { get; init; } = 50;

    public void Validate()
    {
        if (!(Alpha > 0 && Alpha < 0.5)) throw new ArgumentException($"Alpha must be between 0 and 0.5, not {Alpha}.");
        if (!(MixtureStandardDeviation > 0) || !(GuardrailMixtureStandardDeviation > 0))
            throw new ArgumentException("Mixture standard deviations must be above 0.");
        if (MinimumUsersPerVariant < 2) throw new ArgumentException($"At least two users per variant are needed for a variance over users, not {MinimumUsersPerVariant}.");
    }
}
