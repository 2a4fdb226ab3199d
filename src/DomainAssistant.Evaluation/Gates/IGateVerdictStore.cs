namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// Every gate verdict, keyed by the candidate adapter's SHA-256 so the rollout path can ask whether the exact file it
/// is given has passed (<see cref="GateVerdictRelease.WhyNotReleasableAsync"/>). Verdicts are only ever added.
/// </summary>
public interface IGateVerdictStore
{
    /// <returns>The verdict's id.</returns>
    Task<long> AddAsync(GateVerdict verdict, CancellationToken cancellationToken = default);

    /// <summary>The verdicts on the adapter with this SHA-256, newest (last added) first.</summary>
    Task<IReadOnlyList<GateVerdict>> ForCandidateAsync(string candidateSha256, CancellationToken cancellationToken = default);
}
