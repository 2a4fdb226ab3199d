using System.Security.Cryptography;
using System.Text.Json;
using DomainAssistant.Storage.Lineage;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// A gate verdict as an artifact of the loop: its checksum is over the verdict as stored (so a rerun that judges alike
/// is another verdict, with its own time), its parents the candidate, the baseline adapter, the base model and the
/// suite, so `da lineage show` leads from a verdict to the data the adapter was trained on.
/// </summary>
public static class GateLineage
{
    /// <summary>What `da eval gate` names as the maker.</summary>
    public const string Command = "da eval gate";

    /// <param name="verdict">The verdict as stored (report path included).</param>
    /// <param name="candidatePath">The candidate adapter's folder.</param>
    /// <param name="baselinePath">The baseline adapter's folder, or null when the baseline is the base model alone.</param>
    /// <param name="baseModelPath">The base model's folder.</param>
    /// <param name="baseModelSha256">The base model's checksum as trainers name it (config.json and weights: Training's <c>Checksums.Model</c>).</param>
    public static LineageRecord Of(GateVerdict verdict, string candidatePath, string? baselinePath, string baseModelPath, string baseModelSha256)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(verdict, LineageRecord.JsonLine)));
        var parents = new List<LineageLink> { new(ArtifactKind.Adapter, verdict.CandidateSha256, Path.GetFullPath(candidatePath)) };
        if (baselinePath is not null && verdict.BaselineSha256 is { } baselineSha) parents.Add(new(ArtifactKind.Adapter, baselineSha, Path.GetFullPath(baselinePath)));
        parents.Add(new(ArtifactKind.BaseModel, baseModelSha256, Path.GetFullPath(baseModelPath)));
        parents.Add(new(ArtifactKind.Dataset, verdict.SuiteSha256));
        var details = new { verdict.Verdict, verdict.Suite, Report = verdict.ReportPath, verdict.Metrics };
        return LineageRecord.Of(ArtifactKind.GateVerdict, sha256, null, parents, Command, details, verdict.CreatedAt);
    }
}
