using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Contracts;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// The ingestion handler as a worker runs it (<see cref="RegisteredIndex"/> over the retrieval library's registered
/// stack), on MassTransit's test harness: what it publishes and what it leaves in the index.
/// </summary>
public sealed class IngestCorpusConsumerTests : IAsyncDisposable
{
    const string Domain = "depots";

    readonly TempFolder _folder = new();
    readonly ServiceProvider _provider;

    public IngestCorpusConsumerTests() =>
        _provider = HandlerHarness.Build(_folder.Combine("data"), port => port.AddSingleton<IServedIndex, RegisteredIndex>(),
            handler => handler.AddConsumer<IngestCorpusConsumer>());

    string CorpusFolder => _folder.Combine("corpus");

    string UploadsFolder => _folder.Combine("uploads");

    [Fact]
    public async Task Ingests_the_corpus_folder_and_the_newest_upload_reports_documents_done_then_what_it_did_and_a_second_run_changes_nothing()
    {
        Write(Path.Combine(CorpusFolder, "kestrel.md"), "# Kestrel Street\nThe Kestrel Street depot lends compost bins.");
        Write(Path.Combine(CorpusFolder, "harbour.md"), "# Harbour Road\nThe Harbour Road depot takes garden waste.");
        Upload(1, "old.md", "# Old\nAn older upload.");
        Upload(2, "quay.md", "# Quay\nThe quay depot opens on Sundays.");
        var harness = _provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        var first = await RunAsync(harness);
        Assert.Equal((3, 0, 0), (first.DocumentsIngested, first.DocumentsUnchanged, first.DocumentsRemoved));
        Assert.True(first.ChunksWritten >= 3);
        var catalog = _provider.GetRequiredService<IChunkCatalog>();
        Assert.Equal(["harbour.md", "kestrel.md", DomainDocuments.UploadedPrefix + "quay.md"], (await catalog.ListDocumentsAsync(Domain)).Order(StringComparer.Ordinal));
        var notes = _provider.GetRequiredService<JobReportLog>().Notes(first.JobId);
        Assert.Equal("reading the corpus", notes[0].Note);
        Assert.Equal((3L, 3L, 1.0), (notes[^1].Step, notes[^1].Total, notes[^1].Fraction));

        var second = await RunAsync(harness);
        Assert.Equal((0, 3, 0, 0), (second.DocumentsIngested, second.DocumentsUnchanged, second.DocumentsRemoved, second.ChunksWritten));
    }

    [Fact]
    public async Task A_corpus_folder_that_is_gone_fails_the_job_with_the_reason_and_leaves_the_index_alone()
    {
        Write(Path.Combine(CorpusFolder, "kestrel.md"), "# Kestrel Street\nThe Kestrel Street depot lends compost bins.");
        var harness = _provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        await RunAsync(harness);
        Directory.Delete(CorpusFolder, recursive: true);

        var jobId = Guid.NewGuid();
        await harness.Bus.Publish(new IngestCorpus(jobId, Domain, CorpusFolder, UploadsFolder));

        var failure = Assert.IsType<JobFailed>(await _provider.GetRequiredService<JobReportLog>().EndOfAsync(jobId));
        Assert.Contains(CorpusFolder, failure.Error, StringComparison.Ordinal);
        Assert.Contains("does not exist", failure.Error, StringComparison.Ordinal);
        Assert.Equal(["kestrel.md"], await _provider.GetRequiredService<IChunkCatalog>().ListDocumentsAsync(Domain));
    }

    async Task<CorpusIngested> RunAsync(ITestHarness harness)
    {
        var jobId = Guid.NewGuid();
        await harness.Bus.Publish(new IngestCorpus(jobId, Domain, CorpusFolder, UploadsFolder));
        var end = await _provider.GetRequiredService<JobReportLog>().EndOfAsync(jobId);
        return end as CorpusIngested ?? throw new Xunit.Sdk.XunitException($"the job ended with {end}");
    }

    /// <summary>A version as the API stores it: v{N} with its manifest and a documents folder.</summary>
    void Upload(int version, string name, string text)
    {
        var folder = UploadedVersions.Folder(UploadsFolder, version);
        Write(Path.Combine(folder, UploadedVersions.DocumentsFolderName, name), text);
        Write(Path.Combine(folder, UploadedVersions.ManifestFileName), "{}");
    }

    static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _folder.Dispose();
    }
}
