using System.Diagnostics;
using System.Net;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Storage.Lineage;

namespace DomainAssistant.Api.Tests.Hosting;

public sealed class BootstrapTests
{
    static Dictionary<string, string?> Bootstrap(string dataDirectory) => TinyBootstrap.Settings(dataDirectory);

    [Fact]
    public async Task The_first_run_builds_base_and_SFT_adapter_with_visible_progress_and_later_runs_reuse_them()
    {
        using var data = new TempFolder();
        var bootstrapFolder = Path.Combine(data.Path, "models", "bootstrap", AssistantHost.Domain);

        using (var first = new AssistantHost(Bootstrap(data.Path)))
        {
            var client = first.CreateClient();
            using var early = await client.GetAsync(new Uri("/health", UriKind.Relative));
            var report = JsonDocument.Parse(await early.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
            Assert.Contains("model", report.GetProperty("warming").EnumerateArray().Select(p => p.GetString()));

            client = await first.ReadyClientAsync(TimeSpan.FromMinutes(5));
            var (_, done, _) = await client.ChatAsync("When is the blue bin collected?");

            Assert.Equal("sft", done.GetProperty("adapter").GetString());
            Assert.True(first.Log.Contains("bootstrapping: pretraining a tiny base"), "pretraining progress is logged");
            Assert.True(first.Log.Contains("bootstrapping: fine-tuning on grounded examples"), "fine-tuning progress is logged");
            Assert.True(File.Exists(Path.Combine(bootstrapFolder, "base", "model.safetensors")));
            Assert.True(File.Exists(Path.Combine(bootstrapFolder, "reader", "model.safetensors")), "every weight tuned on grounded examples: the served base");
            Assert.True(File.Exists(Path.Combine(bootstrapFolder, "adapters", "sft", "lineage.json")));
            // The job records each stage in the ledger: the adapter leads back to the corpus through the reader and the base.
            var adapterLineage = LineageRecord.Read(Path.Combine(bootstrapFolder, "adapters", "sft"));
            var chain = await new SqliteLineageLedger(Path.Combine(data.Path, "lineage.db")).AncestryAsync(adapterLineage.Id);
            Assert.Equal([ArtifactKind.Adapter, ArtifactKind.BaseModel, ArtifactKind.Dataset, ArtifactKind.BaseModel, ArtifactKind.CorpusVersion], chain.Select(r => r.Kind));
            Assert.All(chain.SkipLast(1), r => Assert.Equal($"job bootstrap {AssistantHost.Domain}", r.ProducedBy));
            Assert.Equal(LineageRecord.Referenced, chain[^1].ProducedBy); // corpus versions are the upload's to record
            var example = JsonDocument.Parse(File.ReadLines(Path.Combine(bootstrapFolder, "sft-data", "train.jsonl")).First()).RootElement;
            Assert.Contains("Context:\n[1] ", example.GetProperty("messages")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        }
        var weightsWritten = File.GetLastWriteTimeUtc(Path.Combine(bootstrapFolder, "base", "model.safetensors"));

        using var second = new AssistantHost(Bootstrap(data.Path));
        var again = await second.ReadyClientAsync(TimeSpan.FromMinutes(1));
        var (_, secondDone, _) = await again.ChatAsync("Where is the recycling centre?");

        Assert.Equal("sft", secondDone.GetProperty("adapter").GetString());
        Assert.True(second.Log.Contains("reusing the base"), "the base is reused");
        Assert.True(second.Log.Contains("reusing the SFT adapter"), "the adapter is reused");
        Assert.False(second.Log.Contains("bootstrapping: pretraining"), "nothing is trained again");
        Assert.Equal(weightsWritten, File.GetLastWriteTimeUtc(Path.Combine(bootstrapFolder, "base", "model.safetensors")));
    }

    [Fact]
    public async Task Stopping_the_host_mid_bootstrap_stops_the_job_within_seconds()
    {
        using var data = new TempFolder();
        var settings = Bootstrap(data.Path);
        settings["Model:Bootstrap:BaseSteps"] = "1000000";
        var host = new AssistantHost(settings);
        try
        {
            _ = host.CreateClient();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!host.Log.Contains("bootstrapping: pretraining a tiny base") && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.True(host.Log.Contains("bootstrapping: pretraining a tiny base"), "pretraining started");
        }
        finally
        {
            var clock = Stopwatch.StartNew();
            host.Dispose();
            // The job's token is cancelled shortly after the bus starts stopping (ServiceDefaults' BusRegistration), long
            // before the host's own shutdown timeout (30 s) would give up on it and leave it training.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the host stopped in {clock.Elapsed.TotalSeconds:0.0} s");
        }
    }
}
