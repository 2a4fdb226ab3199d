using Microsoft.Extensions.Configuration;
using Microsoft.FeatureManagement;

namespace DomainAssistant.Experiments.Flags;

/// <summary>
/// An experiment as a Microsoft.FeatureManagement flag: always on, two variants (control and treatment) whose
/// configuration value names the adapter (the host's default when the control has none: <c>"default"</c>, as the
/// Api's AdapterSelector reads it), and an allocation by user percentile with the experiment's seed.
/// </summary>
public static class ExperimentFlag
{
    /// <summary>The flag of a domain's experiment: the adapter flag, per domain.</summary>
    public static string FeatureNameFor(string domain) => "AssistantAdapter." + domain;

    /// <summary>What a control without its own adapter serves: the host's default adapter.</summary>
    public const string DefaultAdapter = "default";

    // The feature manager's own name for the filter that is always on.
    const string AlwaysOn = "AlwaysOn";

    /// <summary>
    /// The flag's definition for the experiment's status: running splits by percentile (treatment [0, p), control
    /// [p, 100], the seed making it sticky); paused and rolled back serve the control to all; promoted the treatment.
    /// </summary>
    public static FeatureDefinition Define(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var allocation = new Allocation
        {
            Seed = experiment.Seed,
            DefaultWhenEnabled = experiment.Status == ExperimentStatus.Promoted ? ExperimentVariants.Treatment : ExperimentVariants.Control,
        };
        if (experiment.Status == ExperimentStatus.Running) allocation.Percentile = Percentiles(experiment.TreatmentPercent);
        return new FeatureDefinition
        {
            Name = FeatureNameFor(experiment.Domain),
            EnabledFor = [new FeatureFilterConfiguration { Name = AlwaysOn }],
            Allocation = allocation,
            Variants =
            [
                Variant(ExperimentVariants.Control, experiment.ControlAdapter ?? DefaultAdapter),
                Variant(ExperimentVariants.Treatment, experiment.TreatmentAdapter),
            ],
        };
    }

    static List<PercentileAllocation> Percentiles(double treatmentPercent)
    {
        var percentiles = new List<PercentileAllocation>();
        if (treatmentPercent > 0) percentiles.Add(new PercentileAllocation { Variant = ExperimentVariants.Treatment, From = 0, To = treatmentPercent });
        if (treatmentPercent < 100) percentiles.Add(new PercentileAllocation { Variant = ExperimentVariants.Control, From = treatmentPercent, To = 100 });
        return percentiles;
    }

    // A variant's configuration is an IConfigurationSection; an in-memory one holds just the adapter name.
    static VariantDefinition Variant(string name, string adapter) => new()
    {
        Name = name,
        ConfigurationValue = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("adapter", adapter)])
            .Build()
            .GetSection("adapter"),
    };
}
