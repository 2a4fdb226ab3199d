using System.Text.Json;
using DomainAssistant.Contracts;
using DomainAssistant.Model.Embeddings;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Lexical;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Worker.Tests;

/// <summary>
/// Scale-out re-embedding: another process (here the test's own bus) publishes <see cref="ReembedIndex"/> over
/// RabbitMQ naming the served model's files, as the API does with <c>Jobs:RunInProcess=false</c>; the worker loads
/// that base (the shipped tidewell model's), embeds every chunk of the shared index into the model's space under the
/// shared data folder and reports chunks done, then what it did.
/// </summary>
[Collection(WorkersOnRabbitMq.Name)]
public sealed class ReembeddingOverRabbitMqTests : IDisposable
{
    const string Domain = "fernbrook-recycling";
    readonly string _data = Directory.CreateTempSubdirectory("worker-reembedding-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    static string ServedBase => Path.Combine(RepositoryRoot.Path, "domains", "tidewell-support", "model", "base");

    /// <summary>The space the API names for this base: its checksum, and its hidden size as config.json says.</summary>
    static EmbeddingSpace ServedSpace()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(ServedBase, "config.json")));
        return new EmbeddingSpace(HiddenStateEmbeddingGenerator.ModelIdOf(ServedBase), config.RootElement.GetProperty("hidden_size").GetInt32());
    }

    /// <summary>A worker on the test's data folder, whose index holds the domain's corpus with the registered embedder.</summary>
    async Task<WorkerHost> IndexedWorkerAsync()
    {
        var settings = RabbitMq.Settings();
        settings["Storage:DataDirectory"] = _data;
        var worker = new WorkerHost(settings);
        await SharedIndex.IndexAsync(worker.Services, Domain, Path.Combine(RepositoryRoot.Path, "domains", Domain));
        return worker;
    }

    [RabbitMqFact]
    public async Task The_worker_re_embeds_the_shared_index_with_the_served_model_loaded_from_its_files()
    {
        using var worker = await IndexedWorkerAsync();
        var catalog = worker.Services.GetRequiredService<IChunkCatalog>();
        var chunks = await catalog.CountChunksAsync(null);
        var space = ServedSpace();

        var job = new ReembedIndex(Guid.NewGuid(), space.ModelId, space.Dimensions, new EmbeddingModelFiles(ServedBase, null, "float32", 256));
        var (result, notes) = await JobOverRabbitMq.RunAsync(job, job.JobId);

        var done = Assert.IsType<IndexReembedded>(result);
        Assert.Equal((space.ModelId, space.Dimensions, (int)chunks), (done.ModelId, done.Dimensions, done.Chunks));
        Assert.Equal(space, await catalog.GetEmbeddingSpaceAsync());
        var stores = worker.Services.GetRequiredService<VectorStoresBySpace>();
        Assert.Equal(chunks, await stores.Open(space).CountAsync(null));
        Assert.StartsWith(Path.GetFullPath(_data), Path.GetFullPath(stores.FolderOf(space)), StringComparison.Ordinal);
        Assert.True(Directory.Exists(stores.FolderOf(space)), "the vectors are written under the shared data folder");
        Assert.Contains(notes, n => n.StartsWith($"re-embedding: {chunks} of {chunks} chunks", StringComparison.Ordinal));
    }

    [RabbitMqFact]
    public async Task Files_that_embed_into_another_space_than_the_job_names_fail_it_saying_so()
    {
        using var worker = await IndexedWorkerAsync();
        var space = ServedSpace();

        var job = new ReembedIndex(Guid.NewGuid(), "pooled-hidden-states:0123456789abcdef", space.Dimensions,
            new EmbeddingModelFiles(ServedBase, null, "float32", 256));
        var (result, _) = await JobOverRabbitMq.RunAsync(job, job.JobId);

        var failed = Assert.IsType<JobFailed>(result);
        Assert.Equal($"the model files at {ServedBase} embed with {space}, not {new EmbeddingSpace(job.ModelId, job.Dimensions)}: they changed since the job was sent.",
            failed.Error);
    }
}
