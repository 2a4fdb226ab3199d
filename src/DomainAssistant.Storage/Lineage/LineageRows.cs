using System.Data.Common;
using System.Text.Json;

namespace DomainAssistant.Storage.Lineage;

/// <summary>
/// How both ledgers read their rows back, whichever engine keeps them: a parent link (kind, sha256, path) and an
/// artifact (id, sha256, kind, path, produced_by, created_at, details; the time is read by the engine's own rule).
/// </summary>
internal static class LineageRows
{
    public static LineageLink Link(DbDataReader reader) =>
        new(ArtifactKinds.Parse(reader.GetString(0)), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));

    /// <param name="reader">Positioned on an artifact row.</param>
    /// <param name="createdAt">Column 5 as the engine stores it.</param>
    /// <param name="ledger">Names the ledger in the error of a row without details.</param>
    public static LineageRecord Artifact(DbDataReader reader, DateTimeOffset createdAt, string ledger)
    {
        var details = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reader.GetString(6), LineageRecord.Json)
                      ?? throw new InvalidDataException($"{ledger}: artifact {reader.GetString(0)} has no details.");
        return new LineageRecord
        {
            Kind = ArtifactKinds.Parse(reader.GetString(2)), Sha256 = reader.GetString(1), Path = reader.IsDBNull(3) ? null : reader.GetString(3),
            ProducedBy = reader.GetString(4), CreatedAt = createdAt, Details = details,
        };
    }
}
