using DomainAssistant.Contracts;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Retrieval.Lexical;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Worker.Tests;

/// <summary>
/// Scale-out corpus ingestion: another process (here the test's own bus) publishes <see cref="IngestCorpus"/> over
/// RabbitMQ; the worker writes the index under the shared data folder and reports what it did.
/// </summary>
[Collection(WorkersOnRabbitMq.Name)]
public sealed class IngestionOverRabbitMqTests : IDisposable
{
    const string Domain = "fernbrook-recycling";
    readonly string _data = Directory.CreateTempSubdirectory("worker-ingestion-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [RabbitMqFact]
    public async Task The_worker_ingests_a_domain_and_its_newest_upload_sent_by_another_process()
    {
        var settings = RabbitMq.Settings();
        settings["Storage:DataDirectory"] = _data;
        using var worker = new WorkerHost(settings);
        var corpus = Path.Combine(RepositoryRoot.Path, "domains", Domain, "corpus");
        var uploads = Path.Combine(_data, "domains", Domain, "corpora");
        var version = UploadedVersions.Folder(uploads, 1);
        Directory.CreateDirectory(Path.Combine(version, UploadedVersions.DocumentsFolderName));
        File.WriteAllText(Path.Combine(version, UploadedVersions.DocumentsFolderName, "depot.md"), "# Depot\nThe Kestrel Street depot lends compost bins.");
        File.WriteAllText(Path.Combine(version, UploadedVersions.ManifestFileName), "{}");
        _ = worker.Services;

        var job = new IngestCorpus(Guid.NewGuid(), Domain, corpus, uploads);
        var (result, notes) = await JobOverRabbitMq.RunAsync(job, job.JobId);

        var done = Assert.IsType<CorpusIngested>(result);
        var files = Directory.GetFiles(corpus, "*.md").Length;
        Assert.Equal((files + 1, 0, 0), (done.DocumentsIngested, done.DocumentsUnchanged, done.DocumentsRemoved));
        Assert.Contains(notes, n => n.StartsWith($"indexing {files + 1} of {files + 1} documents", StringComparison.Ordinal));
        var documents = await worker.Services.GetRequiredService<IChunkCatalog>().ListDocumentsAsync(Domain);
        Assert.Contains(DomainDocuments.UploadedPrefix + "depot.md", documents);
        Assert.True(File.Exists(Path.Combine(_data, "retrieval", "lexical.db")), "the index is written under the shared data folder");
    }
}
