using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using DomainAssistant.Api.Configuration;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Training.Data;
using Microsoft.Extensions.DependencyInjection;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>Accepted uploads become stored versions with a manifest, are indexed by a job, and feed fine-tuning.</summary>
public sealed class CorpusUploadTests(UploadHost host) : IClassFixture<UploadHost>
{
    static readonly byte[] Depot = Uploads.Text("# Kestrel Street depot\nThe Kestrel Street depot lends compost bins for a deposit of 12 pounds.");
    static readonly byte[] Pairs = Uploads.Text("""
        {"question": "Where can I borrow a compost bin?", "answer": "At the Kestrel Street depot, for a 12 pound deposit."}
        {"prompt": "Is the deposit refunded?", "response": "Yes, when the bin comes back clean."}
        """);

    [Fact]
    public async Task An_upload_is_stored_as_a_version_with_its_manifest_and_its_job_indexes_the_documents()
    {
        await host.IndexReadyAsync();
        using var client = host.Client();
        using var response = await Uploads.PostAsync(client, Uploads.Of(("depot.md", Depot), ("pairs.jsonl", Pairs)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = (await response.Content.ReadFromJsonAsync<CorporaApi.UploadReceipt>(UploadHost.Json))!;
        Assert.Equal($"/api/jobs/{receipt.Job.Id}", response.Headers.Location?.ToString());

        var manifest = receipt.Version.Manifest;
        Assert.Equal(UploadHost.Uploader, manifest.UploadedBy);
        var stored = manifest.Files.ToDictionary(f => f.Name);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Depot)), stored["depot.md"].Sha256);
        Assert.Equal(Pairs.Length, stored["pairs.jsonl"].Bytes);
        Assert.Equal(2, stored["pairs.jsonl"].QaPairs);
        Assert.Equal(Depot, File.ReadAllBytes(Path.Combine(receipt.Version.Folder, stored["depot.md"].Path)));

        var job = await host.FinishedJobAsync(receipt.Job.Id);
        Assert.Equal((JobStates.Succeeded, 1.0), (job.State, job.Progress));
        Assert.True(job.DocumentsTotal > 1 && job.DocumentsDone == job.DocumentsTotal && job.FinishedAt >= job.StartedAt, job.Message);
        var found = await host.Services.GetRequiredService<IRetriever>().RetrieveAsync("compost bin deposit Kestrel Street", UploadHost.Domain, 3);
        Assert.Contains(found, c => c.Chunk.DocumentId == "uploads/depot.md");
    }

    [Fact]
    public async Task The_Q_and_A_files_of_a_version_are_a_dataset_the_SFT_trainer_reads()
    {
        await host.IndexReadyAsync();
        using var client = host.Client();
        var receipt = await Uploads.AcceptedAsync(client, Uploads.Of(("pairs.jsonl", Pairs), ("depot.md", Depot)));
        var shown = await client.GetFromJsonAsync<CorporaApi.CorpusVersionView>(
            $"/api/domains/{UploadHost.Domain}/corpora/{receipt.Version.Manifest.Version}", UploadHost.Json);

        var dataset = DatasetFiles.Find(shown!.SftData!);
        Assert.Equal([Path.Combine(shown.SftData!, "pairs.jsonl")], dataset.Files);
        // Read as the SFT trainer reads it, with the served model's tokenizer and chat template: every pair is an example.
        var data = SftData.Load(shown.SftData!, new ExampleEncoder(TokenizerLoader.Load(ScriptedModel.Instance.ModelFolder)), strict: true);
        Assert.Equal(shown.Manifest.QaPairs, data.Examples.Count);
        Assert.Empty(data.Issues);
    }

    [Fact]
    public async Task Add_carries_the_previous_files_over_and_replace_drops_them_from_the_index()
    {
        await host.IndexReadyAsync();
        using var client = host.Client();
        var first = await Uploads.AcceptedAsync(client, Uploads.Of("replace", ("alpha.md", Uploads.Text("# Alpha\nAlpha text."))));
        var second = await Uploads.AcceptedAsync(client, Uploads.Of("add", ("beta.md", Uploads.Text("# Beta\nBeta text."))));
        Assert.Equal(["alpha.md", "beta.md"], second.Version.Manifest.Files.Select(f => f.Name));
        Assert.Equal(first.Version.Manifest.Version, second.Version.Manifest.Files[0].AddedInVersion);
        Assert.Equal(JobStates.Succeeded, (await host.FinishedJobAsync(second.Job.Id)).State);
        Assert.Equal(["uploads/alpha.md", "uploads/beta.md"], await UploadedDocumentsAsync());

        var third = await Uploads.AcceptedAsync(client, Uploads.Of("replace", ("gamma.md", Uploads.Text("# Gamma\nGamma text."))));
        Assert.Equal(JobStates.Succeeded, (await host.FinishedJobAsync(third.Job.Id)).State);
        Assert.Equal(["uploads/gamma.md"], await UploadedDocumentsAsync());
        // The earlier versions are still there, as they were.
        var versions = await client.GetFromJsonAsync<List<CorporaApi.CorpusVersionView>>($"/api/domains/{UploadHost.Domain}/corpora", UploadHost.Json);
        Assert.Equal(second.Version.Manifest.Files.Select(f => f.Sha256), versions!.Single(v => v.Manifest.Version == second.Version.Manifest.Version).Manifest.Files.Select(f => f.Sha256));
    }

    [Fact]
    public async Task An_unknown_job_or_version_is_404()
    {
        using var client = host.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/jobs/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/domains/{UploadHost.Domain}/corpora/999")).StatusCode);
    }

    async Task<List<string>> UploadedDocumentsAsync() =>
        [.. (await host.Services.GetRequiredService<IChunkCatalog>().ListDocumentsAsync(UploadHost.Domain)).Where(d => d.StartsWith(DomainDocuments.UploadedPrefix, StringComparison.Ordinal))];
}

/// <summary>
/// A job that was running when the process stopped runs again at the next start: the in-memory bus lost its message,
/// so the host sends it again (<see cref="CorpusJobsRequeue"/>).
/// </summary>
public sealed class CorpusIngestionRestartTests : IDisposable
{
    readonly UploadHost _host = new();

    [Fact]
    public async Task A_job_cut_short_by_a_restart_runs_again_and_succeeds()
    {
        // What a crashed process leaves behind: a stored version and its job marked running.
        var storage = new StorageOptions { DataDirectory = _host.DataDirectory };
        var version = await new CorpusVersions(storage, TimeProvider.System, new UploadOptions()).AddAsync(UploadHost.Domain,
            new CorpusUpload([CorpusFileCheck.Check("left.md", CorpusFileKind.Document, Uploads.Text("# Left\nLeft behind."))], CorpusUploadMode.Add), UploadHost.Uploader, default);
        var jobs = new SqliteJobStore(storage.JobsDatabase);
        var interrupted = new JobRecord(Guid.NewGuid(), CorpusJobs.Kind, UploadHost.Domain, version.Manifest.Version, JobStates.Running, 0.5,
            "indexing", 1, 2, 3, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null, UploadHost.Uploader);
        await jobs.SaveAsync(interrupted, default);

        var job = await _host.FinishedJobAsync(interrupted.Id);
        Assert.Equal(JobStates.Succeeded, job.State);
        Assert.Contains("uploads/left.md", await _host.Services.GetRequiredService<IChunkCatalog>().ListDocumentsAsync(UploadHost.Domain));
    }

    [Fact]
    public async Task A_job_left_queued_for_a_domain_that_is_gone_ends_failed_saying_so()
    {
        var jobs = new SqliteJobStore(new StorageOptions { DataDirectory = _host.DataDirectory }.JobsDatabase);
        var orphan = new JobRecord(Guid.NewGuid(), CorpusJobs.Kind, "retired-domain", 1, JobStates.Queued, 0, "waiting to index version 1",
            0, 0, 0, DateTimeOffset.UtcNow, null, null, null, UploadHost.Uploader);
        await jobs.SaveAsync(orphan, default);

        var job = await _host.FinishedJobAsync(orphan.Id);
        Assert.Equal((JobStates.Failed, "the domain \"retired-domain\" no longer exists."), (job.State, job.Error));
    }

    public void Dispose() => _host.Dispose();
}
