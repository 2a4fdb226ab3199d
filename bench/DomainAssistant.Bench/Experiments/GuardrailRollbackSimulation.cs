using DomainAssistant.Experiments;
using DomainAssistant.Experiments.Analysis;
using DomainAssistant.Experiments.Flags;
using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace DomainAssistant.Bench.Experiments;

/// <summary>
/// The whole rollback path on real parts: a SQLite experiments file, the guardrail watch run once per evaluation
/// interval, and a FeatureManager reading the flags provider. Traffic is simulated: each interval serves
/// <c>messagesPerInterval</c> users (sticky assignment), the treatment's error rate jumps at <c>onsetInterval</c>.
/// </summary>
sealed class GuardrailRollbackSimulation(int messagesPerInterval, int onsetInterval, int maxIntervals, double baseErrorRate, double brokenErrorRate)
{
    public static readonly TimeSpan EvaluationInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan FlagRefresh = TimeSpan.FromSeconds(2);

    /// <param name="RolledBackAt">The interval whose evaluation rolled back; null = never within the run.</param>
    /// <param name="TreatmentShareAfter">Share of 2,000 users the flag sent to treatment one refresh after the rollback.</param>
    /// <param name="AuditActor">Who the audit log names for the rollback.</param>
    public sealed record Outcome(int? RolledBackAt, double TreatmentShareAfter, string? AuditActor);

    public async Task<Outcome> RunAsync(string folder, int seed)
    {
        var clock = new SimulatedClock();
        var database = new ExperimentDatabase(Path.Combine(folder, $"experiments-{seed}.db"));
        var store = new SqliteExperimentStore(database, clock);
        var records = new SqliteExperimentRecords(database);
        var watch = new GuardrailWatch(store, new ExperimentAnalysis(store, records), NullLogger<GuardrailWatch>.Instance);
        var experiment = await store.CreateAsync(new ExperimentDraft("rollback drill", "bench", "sft", "rl-broken", 50,
            Guardrails: [new Guardrail(GuardrailMetric.ErrorRate, 0.01)]), "bench");
        await using var services = Flags(store, clock);
        var features = services.GetRequiredService<IVariantFeatureManager>();
        var random = new Random(seed);

        for (int interval = 1; interval <= maxIntervals; interval++)
        {
            var exposures = new List<Exposure>(messagesPerInterval);
            for (int i = 0; i < messagesPerInterval; i++)
            {
                string user = $"user-{interval}-{i}";
                var variant = await features.GetVariantAsync(ExperimentFlag.FeatureNameFor("bench"), new TargetingContext { UserId = user }, CancellationToken.None);
                double errorRate = variant!.Name == ExperimentVariants.Treatment && interval >= onsetInterval ? brokenErrorRate : baseErrorRate;
                exposures.Add(new Exposure(experiment.Id, $"{user}-m", user, variant.Name, clock.GetUtcNow(), 150, random.NextDouble() < errorRate));
            }
            await records.RecordExposuresAsync(exposures);
            clock.Advance(EvaluationInterval);
            if ((await watch.CheckAsync()).Count == 0) continue;

            clock.Advance(FlagRefresh);
            int treated = 0;
            for (int i = 0; i < 2000; i++)
            {
                var variant = await features.GetVariantAsync(ExperimentFlag.FeatureNameFor("bench"), new TargetingContext { UserId = $"after-{i}" }, CancellationToken.None);
                if (variant!.Name == ExperimentVariants.Treatment) treated++;
            }
            var audit = await store.ReadAuditAsync(experiment.Id);
            SqliteConnection.ClearAllPools();
            return new Outcome(interval, treated / 2000.0, audit[^1].Actor);
        }
        SqliteConnection.ClearAllPools();
        return new Outcome(null, double.NaN, null);
    }

    static ServiceProvider Flags(IExperimentStore store, TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IFeatureDefinitionProvider>(new ExperimentFeatureDefinitions(store, FlagRefresh, clock));
        services.AddFeatureManagement();
        return services.BuildServiceProvider();
    }
}
