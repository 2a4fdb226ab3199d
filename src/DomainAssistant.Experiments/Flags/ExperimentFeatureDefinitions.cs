using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FeatureManagement;

namespace DomainAssistant.Experiments.Flags;

/// <summary>
/// Serves experiments from the store as feature flags (<see cref="ExperimentFlag"/>), one per domain: the domain's
/// most recent experiment. The store is re-read at most every <c>refreshInterval</c>, so an operator's change (a new
/// percentage, a pause, a rollback by a guardrail in another process) reaches every process within that interval,
/// without a restart; in between, flag checks on the chat path cost no database read.
/// </summary>
public sealed partial class ExperimentFeatureDefinitions : IFeatureDefinitionProvider
{
    /// <summary>How stale a flag may be unless told otherwise: short enough that a rollback acts within seconds.</summary>
    public static TimeSpan DefaultRefreshInterval { get; } = TimeSpan.FromSeconds(2);

    readonly IExperimentStore _store;
    readonly TimeSpan _refreshInterval;
    readonly TimeProvider _clock;
    readonly ILogger _logger;
    volatile Snapshot? _snapshot;

    sealed record Snapshot(IReadOnlyDictionary<string, FeatureDefinition> Flags, DateTimeOffset FreshUntil);

    public ExperimentFeatureDefinitions(IExperimentStore store, TimeSpan? refreshInterval = null, TimeProvider? clock = null,
        ILogger<ExperimentFeatureDefinitions>? logger = null)
    {
        _store = store;
        _refreshInterval = refreshInterval ?? DefaultRefreshInterval;
        ArgumentOutOfRangeException.ThrowIfLessThan(_refreshInterval, TimeSpan.Zero);
        _clock = clock ?? TimeProvider.System;
        _logger = logger ?? NullLogger<ExperimentFeatureDefinitions>.Instance;
    }

    public async Task<FeatureDefinition> GetFeatureDefinitionAsync(string featureName)
    {
        var flags = await CurrentAsync();
        // The feature manager treats a missing definition as "no such flag" (null), as the configuration provider does.
        return flags.GetValueOrDefault(featureName)!;
    }

    public async IAsyncEnumerable<FeatureDefinition> GetAllFeatureDefinitionsAsync()
    {
        foreach (var flag in (await CurrentAsync()).Values) yield return flag;
    }

    async Task<IReadOnlyDictionary<string, FeatureDefinition>> CurrentAsync()
    {
        var snapshot = _snapshot;
        var now = _clock.GetUtcNow();
        if (snapshot is not null && now < snapshot.FreshUntil) return snapshot.Flags;
        try
        {
            var flags = new Dictionary<string, FeatureDefinition>(StringComparer.Ordinal);
            // Oldest first, so a domain's newest experiment is the one left in the dictionary.
            foreach (var experiment in await _store.ListAsync()) flags[ExperimentFlag.FeatureNameFor(experiment.Domain)] = ExperimentFlag.Define(experiment);
            _snapshot = new Snapshot(flags, now + _refreshInterval);
            return flags;
        }
        catch (Exception e) when (snapshot is not null && e is not OperationCanceledException)
        {
            // A locked or unreachable store must not take chat down: keep serving what was last read, and try again
            // at the next check.
            LogRefreshFailed(e);
            return snapshot.Flags;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not re-read experiment flags; serving the last ones read")]
    partial void LogRefreshFailed(Exception exception);
}
