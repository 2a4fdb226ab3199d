namespace DomainAssistant.Experiments;

/// <summary>
/// The domain's production adapter: what its users get when no experiment is splitting them. It is read from the
/// experiments alone, the same way the flags serve them (<see cref="Flags.ExperimentFlag"/>: the domain's newest
/// experiment is its flag), so what the loop trains from, gates against and tests as the control is what users get:
/// <list type="bullet">
/// <item>the newest experiment promoted: its treatment;</item>
/// <item>rolled back, running or paused: its control (a running experiment has not replaced production yet);</item>
/// <item>no experiment, or a control of the host's default: null, the host's configured default adapter.</item>
/// </list>
/// </summary>
public static class ProductionAdapter
{
    /// <param name="experiments">Every experiment, oldest first (<see cref="IExperimentStore.ListAsync"/>).</param>
    /// <param name="domain">The domain.</param>
    /// <returns>A registry id, or null for the host's default adapter.</returns>
    public static string? Of(IEnumerable<Experiment> experiments, string domain)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        var newest = experiments.LastOrDefault(e => e.Domain == domain);
        return newest?.Status == ExperimentStatus.Promoted ? newest.TreatmentAdapter : newest?.ControlAdapter;
    }

    /// <inheritdoc cref="Of(IEnumerable{Experiment}, string)"/>
    public static async Task<string?> OfAsync(IExperimentStore store, string domain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Of(await store.ListAsync(cancellationToken), domain);
    }
}
