using DomainAssistant.Api.Serving;
using DomainAssistant.Evaluation.Registry;

namespace DomainAssistant.Api.Experiments;

/// <summary>
/// Brings an experiment's registered adapters onto the served model the first time a variant names them, in every
/// API process. Before it attaches one it reads the weights file's checksum again and asks for a passing gate
/// verdict on it (issue 17): a file changed since its verdict, or never judged, is refused, never served.
/// </summary>
public sealed class ExperimentAdapters(IAdapterRegistry registry, AdapterRelease release) : IDisposable
{
    readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>The resident adapter for a registry id, loading it when it is not resident yet.</summary>
    /// <exception cref="AdapterNotServableException">Why it may not be served.</exception>
    public async Task<AdapterInfo> ResidentAsync(string adapterId, string domain, LoadedModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Adapters.TryGetValue(adapterId, out var resident)) return resident;
        // One load at a time: two requests for a new variant must not both hash and attach it.
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (model.Adapters.TryGetValue(adapterId, out resident)) return resident;
            var adapter = await registry.FindAsync(adapterId, cancellationToken)
                ?? throw new AdapterNotServableException($"adapter \"{adapterId}\" is neither loaded nor registered.");
            if (adapter.Domain != domain)
                throw new AdapterNotServableException($"adapter {adapterId} belongs to domain \"{adapter.Domain}\", not \"{domain}\".");
            if (await release.WhyNotReleasableAsync(adapter, cancellationToken) is { } why) throw new AdapterNotServableException(why);
            try
            {
                return await Task.Run(() => model.AddAdapter(adapter.Id, adapter.Folder, adapter.Sha256), cancellationToken);
            }
            catch (InvalidDataException error)
            {
                throw new AdapterNotServableException($"adapter {adapterId} does not fit the served base: {error.Message}", error);
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Dispose() => _loading.Dispose();
}
