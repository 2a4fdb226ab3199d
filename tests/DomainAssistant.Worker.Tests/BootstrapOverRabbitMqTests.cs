using DomainAssistant.Contracts;

namespace DomainAssistant.Worker.Tests;

/// <summary>
/// The scale-out bootstrap: another process (here the test's own bus) publishes <see cref="BootstrapDomainModel"/>
/// over RabbitMQ once the index is built; the worker trains the model and reports progress and the result.
/// </summary>
[Collection(WorkersOnRabbitMq.Name)]
public sealed class BootstrapOverRabbitMqTests : IDisposable
{
    const string Domain = "fernbrook-recycling";
    readonly string _data = Directory.CreateTempSubdirectory("worker-bootstrap-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    /// <summary>The bootstrap shrunk to seconds: a tiny base, a few steps, one epoch of each tuning stage.</summary>
    Dictionary<string, string?> Settings()
    {
        var settings = RabbitMq.Settings();
        settings["Storage:DataDirectory"] = _data;
        settings["Model:Bootstrap:Size"] = "tiny";
        settings["Model:Bootstrap:VocabSize"] = "400";
        settings["Model:Bootstrap:ContextLength"] = "1024";
        settings["Model:Bootstrap:SftSequenceLength"] = "1000";
        settings["Model:Bootstrap:BaseSteps"] = "3";
        settings["Model:Bootstrap:BatchRows"] = "4";
        settings["Model:Bootstrap:SftEpochs"] = "1";
        settings["Model:Bootstrap:SftMinutes"] = "2";
        settings["Model:Bootstrap:ReaderMinutes"] = "1";
        settings["Model:Bootstrap:QuestionsPerSentence"] = "1";
        settings["Model:Bootstrap:MaxSentenceExamples"] = "20";
        settings["Model:Bootstrap:SftRank"] = "4";
        return settings;
    }

    [RabbitMqFact]
    public async Task The_worker_bootstraps_a_domain_model_sent_by_another_process_and_reports_progress_and_result()
    {
        var domainFolder = Path.Combine(RepositoryRoot.Path, "domains", Domain);
        using var worker = new WorkerHost(Settings());
        await SharedIndex.IndexAsync(worker.Services, Domain, domainFolder);

        var (result, notes) = await Run(new BootstrapDomainModel(Guid.NewGuid(), Domain, domainFolder));

        var built = Assert.IsType<DomainModelBootstrapped>(result);
        Assert.Equal(("sft", Domain), (built.AdapterName, built.Domain));
        Assert.True(File.Exists(Path.Combine(built.AdapterFolder, "lineage.json")), "the adapter and its lineage are written");
        Assert.True(File.Exists(Path.Combine(built.ServedBase, "model.safetensors")), "the served base is written");
        Assert.StartsWith(Path.GetFullPath(_data), built.AdapterFolder, StringComparison.Ordinal);
        Assert.Contains(notes, n => n.StartsWith("bootstrapping: pretraining a tiny base", StringComparison.Ordinal));
    }

    [RabbitMqFact]
    public async Task A_job_that_cannot_run_is_reported_failed_with_the_reason()
    {
        var domainFolder = Path.Combine(RepositoryRoot.Path, "domains", Domain);
        using var worker = new WorkerHost(Settings());
        _ = worker.Services;

        var (result, _) = await Run(new BootstrapDomainModel(Guid.NewGuid(), "tidewell-support", domainFolder));

        var failed = Assert.IsType<JobFailed>(result);
        Assert.Equal($"{domainFolder} holds domain \"{Domain}\", not \"tidewell-support\".", failed.Error);
    }

    static Task<(object Result, IReadOnlyCollection<string> Notes)> Run(BootstrapDomainModel job) => JobOverRabbitMq.RunAsync(job, job.JobId);
}
