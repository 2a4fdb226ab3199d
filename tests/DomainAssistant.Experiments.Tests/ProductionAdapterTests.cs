using DomainAssistant.Experiments.Tests.Support;

namespace DomainAssistant.Experiments.Tests;

/// <summary>The production adapter is what the domain's newest experiment serves to everyone outside a split.</summary>
public sealed class ProductionAdapterTests : IDisposable
{
    readonly ExperimentFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Promoted_gives_the_treatment_rolled_back_or_running_the_control_none_the_host_default_and_a_restart_keeps_it()
    {
        const string domain = "tidewell-support";
        Assert.Null(ProductionAdapter.Of(await _files.Store.ListAsync(), domain));

        var first = await _files.Store.CreateAsync(ExperimentFiles.Draft(domain), "key:ops");
        Assert.Equal("sft", ProductionAdapter.Of(await _files.Store.ListAsync(), domain)); // running: not replaced yet
        await _files.Store.ChangeStatusAsync(first.Id, ExperimentStatus.Promoted, "rollout");
        Assert.Equal("rl-2", ProductionAdapter.Of(await _files.Store.ListAsync(), domain));

        var second = await _files.Store.CreateAsync(new ExperimentDraft("next", domain, "rl-2", "rl-3", 10), "rollout");
        await _files.Store.ChangeStatusAsync(second.Id, ExperimentStatus.RolledBack, "rollout");
        _files.Reopen();

        Assert.Equal("rl-2", await ProductionAdapter.OfAsync(_files.Store, domain));
        Assert.Null(ProductionAdapter.Of(await _files.Store.ListAsync(), "another-domain"));
    }
}
