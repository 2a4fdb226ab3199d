namespace DomainAssistant.Evaluation.Gates;

/// <summary>The rollout's question to the verdicts, answered the same way whichever engine keeps them.</summary>
public static class GateVerdictRelease
{
    /// <summary>
    /// Whether the adapter with this SHA-256 may reach users: its newest verdict passed. A newer failing verdict
    /// (e.g. on a changed suite) withdraws an older pass.
    /// </summary>
    /// <returns>Null when it may; otherwise what is missing, in words.</returns>
    public static async Task<string?> WhyNotReleasableAsync(this IGateVerdictStore verdicts, string candidateSha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        var found = await verdicts.ForCandidateAsync(candidateSha256, cancellationToken);
        var shortSha = candidateSha256[..Math.Min(12, candidateSha256.Length)];
        if (found.Count == 0) return $"adapter {shortSha} has no gate verdict: run `da eval gate` on it first.";
        var newest = found[0];
        if (newest.Passed) return null;
        var failed = string.Join("; ", newest.Metrics.Where(m => !m.Passed).Select(m => $"{m.Metric.Name()}: {m.Reason}"));
        return $"adapter {shortSha} failed its latest gate ({newest.Suite}, {newest.CreatedAt:u}): {failed}";
    }
}
