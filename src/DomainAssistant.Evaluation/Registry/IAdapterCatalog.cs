namespace DomainAssistant.Evaluation.Registry;

/// <summary>
/// What the registry knows about its adapters (<see cref="RegisteredAdapter"/> rows), apart from their files: in
/// SQLite beside them in the embedded mode, in the shared PostgreSQL database in the scale-out mode.
/// </summary>
public interface IAdapterCatalog
{
    /// <summary>Records <paramref name="adapter"/> unless its id (or its weights in its domain) is already recorded.</summary>
    /// <returns>The adapter as stored (its time to the engine's precision) and true; or the one recorded before and false.</returns>
    Task<(RegisteredAdapter Adapter, bool Added)> AddAsync(RegisteredAdapter adapter, CancellationToken cancellationToken);

    /// <summary>The adapter with this id, or null.</summary>
    Task<RegisteredAdapter?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every adapter, newest first.</summary>
    Task<IReadOnlyList<RegisteredAdapter>> ListAsync(CancellationToken cancellationToken);
}
