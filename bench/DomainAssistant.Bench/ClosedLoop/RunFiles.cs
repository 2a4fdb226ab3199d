using System.Text.Json;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training.Checkpointing;

namespace DomainAssistant.Bench.ClosedLoop;

/// <summary>
/// What an alignment run leaves in the hosts' data directory, in <c>models/alignment/{domain}/{job id}</c>: run.json
/// once it is gated, and in <c>adapter/</c> the policy's checkpoint while it trains and its lineage once it is written.
/// The embedded host writes them into its own folder; on the scale-out stack the worker writes them into the directory
/// it shares with the API processes. Either way the harness, on the same machine, reads them where they lie.
/// </summary>
public static class RunFiles
{
    /// <summary>The run's folder (the product's <c>DomainAlignment.RunFolder</c>).</summary>
    public static string Folder(string dataDirectory, string domain, Guid jobId) =>
        Path.GetFullPath(Path.Combine(dataDirectory, "models", "alignment", domain, jobId.ToString("N")));

    /// <summary>The policy adapter's folder in the run's folder.</summary>
    public static string Adapter(string runFolder) => Path.Combine(runFolder, "adapter");

    /// <summary>run.json: stage seconds, the reward model's figures, KL; null when the run ended before it gated an adapter.</summary>
    public static JsonElement? Record(string runFolder)
    {
        var file = Path.Combine(runFolder, "run.json");
        return File.Exists(file) ? JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone() : null;
    }

    /// <summary>The step of the policy's newest complete checkpoint and the schedule's length, or null when there is none.</summary>
    public static (long Step, long TotalSteps)? Checkpoint(string adapterFolder)
    {
        if (TrainingCheckpoint.Find(adapterFolder) is not { } folder) return null;
        var path = Path.Combine(folder, TrainerState.FileName);
        try
        {
            var state = TrainerState.FromJson(File.ReadAllText(path), path);
            return (state.Step, state.TotalSteps);
        }
        catch (IOException)
        {
            // Rotated away between finding and reading it (the trainer wrote the next one): the next look finds that.
            return null;
        }
    }

    /// <summary>Whether the adapter's lineage says the policy resumed from a checkpoint; null while the adapter has no lineage.</summary>
    public static bool? Resumed(string adapterFolder)
    {
        if (!File.Exists(Path.Combine(adapterFolder, LineageRecord.FileName))) return null;
        if (!LineageRecord.Read(adapterFolder).Details.TryGetValue("metrics", out var metrics)) return null;
        // KTO's metrics carry the flag at the top; RLOO's in their summary (beside the per-iteration history).
        var holder = metrics.TryGetProperty("summary", out var summary) ? summary : metrics;
        return holder.TryGetProperty("resumed", out var resumed) && resumed.ValueKind is JsonValueKind.True or JsonValueKind.False ? resumed.GetBoolean() : null;
    }
}
