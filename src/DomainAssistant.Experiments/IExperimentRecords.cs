using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments;

/// <summary>What users saw and said under an experiment: exposures per served message, ratings, and their tallies.</summary>
public interface IExperimentRecords
{
    /// <summary>
    /// Records a served message; false when it was already recorded (a retry) or the experiment is not running
    /// (a paused experiment serves the control to everyone, which would skew the split).
    /// </summary>
    Task<bool> RecordExposureAsync(Exposure exposure, CancellationToken cancellationToken = default);

    /// <summary>Records many served messages in one transaction (imports, simulations); returns how many were new.</summary>
    Task<int> RecordExposuresAsync(IReadOnlyCollection<Exposure> exposures, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records (or changes) the thumbs up or down on an exposed message; false when the message was not exposed
    /// under this experiment. The rating counts for the variant that served the message.
    /// </summary>
    Task<bool> RecordRatingAsync(Rating rating, CancellationToken cancellationToken = default);

    /// <summary>Records many ratings in one transaction; returns how many were recorded or changed.</summary>
    Task<int> RecordRatingsAsync(IReadOnlyCollection<Rating> ratings, CancellationToken cancellationToken = default);

    /// <summary>Both variants' counts, control first; users and raters since the experiment's allocation began.</summary>
    Task<IReadOnlyList<VariantTally>> TallyAsync(Experiment experiment, CancellationToken cancellationToken = default);

    /// <summary>
    /// Each variant's cumulative exposures (by time served) and ratings (by time rated) at the end of every
    /// <paramref name="bucket"/> from the experiment's creation to its last record; control before treatment per time.
    /// </summary>
    Task<IReadOnlyList<TimelinePoint>> TimelineAsync(Experiment experiment, TimeSpan bucket, CancellationToken cancellationToken = default);

    /// <summary>
    /// What a guardrail is judged on, per user, control first: thumbs down, failures or declines out of served
    /// messages, or messages slower than the latency budget out of timed ones.
    /// </summary>
    Task<IReadOnlyList<UserCounts>> GuardrailCountsAsync(string experimentId, Guardrail guardrail, CancellationToken cancellationToken = default);
}
