using System.Text.Json.Serialization;

namespace DomainAssistant.Storage.Lineage;

/// <summary>
/// A parent of an artifact: what it was made from, named by kind and checksum (and where it was, for a reader), so
/// a record carries its parents' ids even where no ledger is at hand (lineage.json beside an adapter).
/// </summary>
/// <param name="Kind">What the parent is.</param>
/// <param name="Sha256">The parent's checksum, 64 lower-case hex digits.</param>
/// <param name="Path">Where it was when used; null when it has no file (a verdict, an experiment).</param>
public sealed record LineageLink(ArtifactKind Kind, string Sha256, string? Path = null)
{
    /// <summary>The parent's ledger id (<see cref="LineageRecord.IdOf"/>).</summary>
    [JsonPropertyOrder(-1)]
    public string Id => LineageRecord.IdOf(Sha256);
}
