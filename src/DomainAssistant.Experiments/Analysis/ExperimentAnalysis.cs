using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Analysis;

/// <summary>
/// Reads an experiment's records into an <see cref="ExperimentReport"/>. Each analysis of a running experiment is a
/// look of the always-valid test, merged into the stored evidence, so looking as often as wanted stays honest and a
/// restart keeps what earlier looks showed.
/// </summary>
public sealed class ExperimentAnalysis
{
    readonly IExperimentStore _store;
    readonly IExperimentRecords _records;
    readonly ExperimentAnalysisOptions _options;
    readonly MixtureSequentialTest _upRateTest;
    readonly MixtureSequentialTest _guardrailTest;

    public ExperimentAnalysis(IExperimentStore store, IExperimentRecords records, ExperimentAnalysisOptions? options = null)
    {
        _store = store;
        _records = records;
        _options = options ?? new ExperimentAnalysisOptions();
        _options.Validate();
        _upRateTest = new MixtureSequentialTest(_options.MixtureStandardDeviation, _options.Alpha);
        _guardrailTest = new MixtureSequentialTest(_options.GuardrailMixtureStandardDeviation, _options.Alpha);
    }

    /// <remarks>
    /// The look's variance treats users as the independent units (<see cref="UserCounts"/>); the Wilson and Newcombe
    /// intervals shown beside it pool the ratings, as their published forms do.
    /// </remarks>
    /// <exception cref="KeyNotFoundException">No such experiment.</exception>
    public async Task<ExperimentReport> AnalyseAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        var experiment = await _store.FindAsync(experimentId, cancellationToken) ?? throw new KeyNotFoundException($"No experiment {experimentId}.");
        var tallies = await _records.TallyAsync(experiment, cancellationToken);
        var control = tallies.Single(t => t.Variant == ExperimentVariants.Control);
        var treatment = tallies.Single(t => t.Variant == ExperimentVariants.Treatment);
        var controlUp = new Proportion(control.RatingsUp, control.Ratings);
        var treatmentUp = new Proportion(treatment.RatingsUp, treatment.Ratings);

        // Only a running experiment's looks count: once it is over its evidence is what it was when it ended.
        if (experiment.Status == ExperimentStatus.Running && Math.Min(control.ByUser.Users, treatment.ByUser.Users) >= _options.MinimumUsersPerVariant)
            experiment = await _store.AddEvidenceAsync(experiment.Id, _upRateTest.LookAtDifference(control.ByUser, treatment.ByUser), cancellationToken);

        var (estimate, interval) = ProportionDifference.Of(controlUp, treatmentUp, _options.Alpha);
        var shares = ExperimentAllocation.Shares(experiment.TreatmentPercent);
        var guardrails = new List<GuardrailVerdict>();
        foreach (var guardrail in experiment.Guardrails)
            guardrails.Add(GuardrailRule.Judge(guardrail, await ObserveAsync(experiment, guardrail, control, treatment, cancellationToken),
                _guardrailTest, _options.MinimumUsersPerVariant));

        return new ExperimentReport(
            experiment,
            [Variant(experiment, control), Variant(experiment, treatment)],
            new DifferenceReport(estimate, interval, experiment.Evidence),
            SampleRatioMismatch.Check([control.UsersSinceAllocation, treatment.UsersSinceAllocation], shares),
            SampleRatioMismatch.Check([control.RatersSinceAllocation, treatment.RatersSinceAllocation], shares),
            guardrails);
    }

    VariantReport Variant(Experiment experiment, VariantTally tally)
    {
        var up = new Proportion(tally.RatingsUp, tally.Ratings);
        return new VariantReport(tally.Variant, experiment.AdapterOf(tally.Variant), experiment.PercentOf(tally.Variant),
            tally.Exposures, tally.Users, tally.RatingsUp, tally.RatingsDown, up.Rate, WilsonInterval.Of(up, _options.Alpha), tally.LatencyP95,
            tally.RatersSinceAllocation);
    }

    async Task<GuardrailObservation> ObserveAsync(Experiment experiment, Guardrail guardrail, VariantTally control, VariantTally treatment, CancellationToken cancellationToken)
    {
        var counts = await _records.GuardrailCountsAsync(experiment.Id, guardrail, cancellationToken);
        return guardrail.Metric == GuardrailMetric.LatencyP95
            ? new GuardrailObservation(counts[0], counts[1], control.LatencyP95 ?? double.NaN, treatment.LatencyP95 ?? double.NaN)
            : new GuardrailObservation(counts[0], counts[1], counts[0].Pooled.Rate, counts[1].Pooled.Rate);
    }
}
