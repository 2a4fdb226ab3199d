using DomainAssistant.Experiments;
using DomainAssistant.Experiments.Storage;
using DomainAssistant.Jobs.Alignment;
using DomainAssistant.Worker.Extensions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Worker.Tests;

/// <summary>
/// A worker on its own (no Api in its process) reads the domain's production adapter from the experiments and the
/// registry the Api keeps in the shared data folder, so the next alignment run starts from what an experiment promoted.
/// </summary>
public sealed class ProductionAdapterTests : IDisposable
{
    readonly string _data = Path.Combine(Path.GetTempPath(), "da-worker-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task The_worker_finds_the_promoted_adapter_in_the_shared_experiments_and_says_when_the_registry_lacks_it()
    {
        // The broker is only reached when the host starts; composing it needs none.
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data, ["Bus:Transport"] = "RabbitMq", ["Bus:RabbitMq:Host"] = "localhost",
        });
        builder.AddWorkerServices();
        await using var worker = builder.Build();
        var promoted = worker.Services.GetRequiredService<PromotedAdapters>();
        Assert.NotNull(worker.Services.GetRequiredService<DomainAlignment>());
        Assert.Null(await promoted.FolderAsync("tidewell-support", CancellationToken.None));

        // The Api (another process) promotes an experiment in the shared file.
        var api = new SqliteExperimentStore(new ExperimentDatabase(Path.Combine(_data, ExperimentDatabase.FileName)));
        var experiment = await api.CreateAsync(new ExperimentDraft("rl", "tidewell-support", null, "tidewell-support-0123456789ab", 10), "rollout");
        await api.ChangeStatusAsync(experiment.Id, ExperimentStatus.Promoted, "rollout", "better");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => promoted.FolderAsync("tidewell-support", CancellationToken.None));
        Assert.Contains("tidewell-support-0123456789ab, is not in the adapter registry", error.Message, StringComparison.Ordinal);
    }
}
