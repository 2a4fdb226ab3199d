using DomainAssistant.Experiments;

namespace DomainAssistant.Api.Experiments;

/// <summary>
/// What the chat and feedback paths tell the experiments: one exposure per served message (with the variant that
/// chose its adapter) and the thumbs on it. The store ignores a repeated message and anything while the experiment
/// is not running, so the callers need not check.
/// </summary>
public sealed class ExperimentRecorder(IExperimentStore experiments, IExperimentRecords records, TimeProvider clock)
{
    /// <summary>The domain's newest experiment (the one its flag serves), or null.</summary>
    public async Task<Experiment?> CurrentAsync(string domain, CancellationToken cancellationToken) =>
        (await experiments.ListAsync(cancellationToken)).LastOrDefault(e => e.Domain == domain);

    /// <returns>Whether it was recorded (false: a retry, or the experiment is not running).</returns>
    public Task<bool> ExposedAsync(string experimentId, Guid messageId, string userId, string variant, TimeSpan latency, bool declined,
        CancellationToken cancellationToken) =>
        records.RecordExposureAsync(new Exposure(experimentId, messageId.ToString("D"), userId, variant, clock.GetUtcNow(), latency.TotalMilliseconds,
            Failed: false, Declined: declined), cancellationToken);

    /// <summary>An answer the experiment's variant chose that failed before it was stored: an exposure of its own, marked failed.</summary>
    public Task<bool> FailedAsync(string experimentId, string userId, string variant, TimeSpan latency, CancellationToken cancellationToken) =>
        records.RecordExposureAsync(new Exposure(experimentId, $"failed-{Guid.NewGuid():N}", userId, variant, clock.GetUtcNow(), latency.TotalMilliseconds,
            Failed: true, Declined: false), cancellationToken);

    /// <summary>
    /// Counts a thumbs up or down for the experiment that exposed the message, whichever of the domain's it was;
    /// <paramref name="variant"/> is the flag variant the message records as having served it.
    /// </summary>
    /// <returns>Whether an experiment took it.</returns>
    public async Task<bool> RatedAsync(string domain, Guid messageId, string? variant, bool up, CancellationToken cancellationToken)
    {
        // Only an experiment's flag serves its arms, so an answer another variant served (the adapter flag's, or none)
        // was exposed by no experiment: no need to read the domain's experiments for it.
        if (variant is null || !ExperimentVariants.Both.Contains(variant)) return false;
        foreach (var experiment in (await experiments.ListAsync(cancellationToken)).Where(e => e.Domain == domain).Reverse())
            if (await records.RecordRatingAsync(new Rating(experiment.Id, messageId.ToString("D"), up, clock.GetUtcNow()), cancellationToken))
                return true;
        return false;
    }
}
