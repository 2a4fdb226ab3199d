namespace DomainAssistant.Storage.Lineage;

/// <summary>
/// The one place that knows every artifact the loop made and what each was made from. Records are only ever added;
/// an artifact is known by its checksum, so recording the same checksum again changes nothing.
/// </summary>
public interface ILineageLedger
{
    /// <summary>
    /// Records <paramref name="record"/> and a placeholder for each parent the ledger does not know yet (a base model
    /// made elsewhere, a data file). A checksum already recorded returns the record stored first, unless that one was
    /// only a placeholder, which the full record replaces.
    /// </summary>
    /// <returns>The record as the ledger holds it.</returns>
    Task<LineageRecord> RecordAsync(LineageRecord record, CancellationToken cancellationToken = default);

    /// <summary>The artifact with this id (16 hex digits) or SHA-256 (64), or null when none is recorded.</summary>
    /// <exception cref="ArgumentException">The text is neither an id nor a SHA-256.</exception>
    Task<LineageRecord?> FindAsync(string idOrSha256, CancellationToken cancellationToken = default);

    /// <summary>The artifact's parents as the ledger holds them, in the order the artifact names them.</summary>
    /// <exception cref="LineageNotFoundException">No such artifact.</exception>
    Task<IReadOnlyList<LineageRecord>> ParentsAsync(string idOrSha256, CancellationToken cancellationToken = default);

    /// <summary>
    /// The artifact and everything it descends from, nearest first (breadth first, each artifact once): the chain
    /// `da lineage show` prints.
    /// </summary>
    /// <exception cref="LineageNotFoundException">No such artifact.</exception>
    Task<IReadOnlyList<LineageRecord>> AncestryAsync(string idOrSha256, CancellationToken cancellationToken = default);
}
