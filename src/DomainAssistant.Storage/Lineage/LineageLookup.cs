namespace DomainAssistant.Storage.Lineage;

/// <summary>What every <see cref="ILineageLedger"/> does the same way whatever keeps its rows: read the key a caller names an artifact by, and walk its ancestry.</summary>
public static class LineageLookup
{
    /// <summary>Which column the text names a row by: an id or a checksum; anything else is refused before the store is opened.</summary>
    /// <exception cref="ArgumentException">The text is neither a lineage id nor a SHA-256.</exception>
    public static (string Column, string Key) Key(string idOrSha256)
    {
        var text = idOrSha256?.Trim() ?? "";
        if (LineageRecord.IsSha256(text)) return ("sha256", text.ToLowerInvariant());
        if (LineageRecord.IsId(text)) return ("id", text.ToLowerInvariant());
        throw new ArgumentException($"'{idOrSha256}' is neither a lineage id ({LineageRecord.IdLength} hex digits) nor a SHA-256 (64 hex digits).");
    }

    public static LineageNotFoundException NotFound(string idOrSha256) => new($"no artifact {idOrSha256.Trim()} in the lineage ledger.");

    /// <summary><paramref name="first"/> and everything it was made from, breadth first, each once.</summary>
    /// <param name="first">The artifact asked for.</param>
    /// <param name="parentsOf">The direct parents of the artifact with this id, read from the store.</param>
    public static async Task<IReadOnlyList<LineageRecord>> AncestryAsync(LineageRecord first, Func<string, Task<IReadOnlyList<LineageRecord>>> parentsOf)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(parentsOf);
        var chain = new List<LineageRecord> { first };
        var seen = new HashSet<string>(StringComparer.Ordinal) { first.Id };
        for (var next = 0; next < chain.Count; next++)
        {
            if (chain[next].Parents.Count == 0) continue;
            foreach (var parent in await parentsOf(chain[next].Id))
                if (seen.Add(parent.Id)) chain.Add(parent);
        }
        return chain;
    }
}
