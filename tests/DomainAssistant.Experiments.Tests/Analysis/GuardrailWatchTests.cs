using DomainAssistant.Experiments.Analysis;
using DomainAssistant.Experiments.Tests.Support;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Experiments.Tests.Analysis;

public sealed class GuardrailWatchTests : IDisposable
{
    readonly ExperimentFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_treatment_that_breaches_a_guardrail_is_rolled_back_with_an_audit_entry_and_a_log_line()
    {
        var failing = await _files.Store.CreateAsync(ExperimentFiles.Draft("domain-a", percent: 50), "key:ops");
        var healthy = await _files.Store.CreateAsync(ExperimentFiles.Draft("domain-b", percent: 50), "key:ops");
        await Traffic.ServeAsync(_files, failing, users: 3000, seed: 3, upRate: _ => 0.5,
            errorRate: v => v == ExperimentVariants.Treatment ? 0.08 : 0.01, variantOf: Traffic.Alternating);
        await Traffic.ServeAsync(_files, healthy, users: 3000, seed: 4, upRate: _ => 0.5, errorRate: _ => 0.01, variantOf: Traffic.Alternating);
        var logger = new RecordingLogger<GuardrailWatch>();
        var watch = new GuardrailWatch(_files.Store, new ExperimentAnalysis(_files.Store, _files.Records), logger);

        var rolledBack = await watch.CheckAsync();

        Assert.Equal([failing.Id], rolledBack.Select(e => e.Id));
        Assert.Equal(ExperimentStatus.RolledBack, (await _files.Store.FindAsync(failing.Id))!.Status);
        Assert.Equal(ExperimentStatus.Running, (await _files.Store.FindAsync(healthy.Id))!.Status);
        var entry = (await _files.Store.ReadAuditAsync(failing.Id))[^1];
        Assert.Equal(("rollback", GuardrailWatch.Actor), (entry.Action, entry.Actor));
        Assert.Contains("ErrorRate", entry.Reason, StringComparison.Ordinal);
        var line = Assert.Single(logger.Lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains(failing.Id, line.Message, StringComparison.Ordinal);

        // The next evaluation finds nothing more to do.
        Assert.Empty(await watch.CheckAsync());
    }
}
