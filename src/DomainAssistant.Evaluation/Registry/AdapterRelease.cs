using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Model.Lora;

namespace DomainAssistant.Evaluation.Registry;

/// <summary>
/// Whether a registered adapter may reach users: the file on disk is still the one registered (its SHA-256 read
/// again now, not taken from the record), and the newest gate verdict on that checksum passed.
/// </summary>
public sealed class AdapterRelease(IGateVerdictStore verdicts)
{
    /// <returns>Null when it may; otherwise what is missing, in words.</returns>
    public async Task<string?> WhyNotReleasableAsync(RegisteredAdapter adapter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        if (WhyChanged(adapter) is { } changed) return changed;
        return await verdicts.WhyNotReleasableAsync(adapter.Sha256, cancellationToken) is { } missing ? $"{adapter.Id}: {missing}" : null;
    }

    /// <summary>Null when the adapter's weights file still has its registered checksum; otherwise what happened to it.</summary>
    public static string? WhyChanged(RegisteredAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        if (!File.Exists(Path.Combine(adapter.Folder, PeftAdapter.WeightsFileName)))
            return $"{adapter.Id}: its weights file {Path.Combine(adapter.Folder, PeftAdapter.WeightsFileName)} is gone.";
        var now = PeftAdapter.WeightsSha256(adapter.Folder);
        return now == adapter.Sha256 ? null
            : $"{adapter.Id}: its weights file changed since it was registered and gated (SHA-256 {now[..12]}, registered {adapter.Sha256[..12]}).";
    }

    /// <summary>Every verdict on the adapter's checksum, newest first.</summary>
    public Task<IReadOnlyList<GateVerdict>> VerdictsAsync(RegisteredAdapter adapter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        return verdicts.ForCandidateAsync(adapter.Sha256, cancellationToken);
    }
}
