namespace DomainAssistant.Api.Serving;

/// <summary>
/// Where the served model comes from: a configured checkpoint, or one built on first run. Resolving may take long
/// (training); the host calls it in the background and reports its progress on /health and in the log.
/// </summary>
public interface IModelSource
{
    /// <summary>Makes the model available on disk (building it if needed) and says where it is.</summary>
    /// <param name="progress">Short human-readable notes on what is happening.</param>
    /// <param name="cancellationToken">The host is stopping.</param>
    Task<ModelLocation> ResolveAsync(IProgress<string> progress, CancellationToken cancellationToken);
}
