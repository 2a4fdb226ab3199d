using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>An ingestion that cannot run ends failed, and <c>GET /api/jobs/{id}</c> says why.</summary>
public sealed class CorpusJobFailureTests : IDisposable
{
    readonly UploadHost _host = new();

    [Fact]
    public async Task An_upload_whose_domain_lost_its_corpus_folder_ends_failed_with_the_reason()
    {
        await _host.IndexReadyAsync();
        var corpus = Path.Combine(_host.Assistant.DomainsRoot, UploadHost.Domain, "corpus");
        Directory.Delete(corpus, recursive: true);
        using var client = _host.Client();

        var receipt = await Uploads.AcceptedAsync(client, Uploads.Of(("depot.md", Uploads.Text("# Depot\nThe depot lends bins."))));

        var job = await _host.FinishedJobAsync(receipt.Job.Id);
        Assert.Equal((JobStates.Failed, "failed"), (job.State, job.Message));
        Assert.Contains("does not exist", job.Error, StringComparison.Ordinal);
        Assert.Contains(corpus, job.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _host.Dispose();
}
