namespace DomainAssistant.Evaluation.Registry;

/// <summary>The adapters operators and alignment runs have registered, each validated against its domain's base model.</summary>
public interface IAdapterRegistry
{
    /// <summary>Validates a zip of a PEFT folder and keeps it. The same weights registered again for the same domain give the existing entry.</summary>
    /// <returns>The adapter, and whether it is new.</returns>
    /// <exception cref="AdapterRejectedException">The package was refused; the message names why.</exception>
    Task<(RegisteredAdapter Adapter, bool Created)> RegisterZipAsync(Stream zip, AdapterRegistration registration, CancellationToken cancellationToken);

    /// <summary>The adapter with this id, or null.</summary>
    Task<RegisteredAdapter?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every adapter, newest first.</summary>
    Task<IReadOnlyList<RegisteredAdapter>> ListAsync(CancellationToken cancellationToken);
}
