using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Storage.Lineage;

namespace DomainAssistant.Evaluation.Tests.Gates;

public sealed class GateLineageTests : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("da-gate-lineage-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    static GateVerdict Verdict(double candidate, DateTimeOffset at)
    {
        var threshold = new MetricThreshold(GateMetric.DeclineRate, Min: 0.5);
        var metric = new MetricResult(GateMetric.DeclineRate, 34, candidate, new Interval(0.6, 0.9), null, null, null, threshold, candidate >= 0.5, "ok");
        return new GateVerdict("tidewell", Sha("suite"), Sha("candidate"), Sha("baseline"), Sha("weights only"), [metric], at);
    }

    [Fact]
    public async Task A_verdict_leads_through_the_candidate_to_what_the_candidate_was_trained_from()
    {
        var ledger = SqliteLineageLedger.InFolder(_folder.FullName);
        await ledger.RecordAsync(LineageRecord.Of(ArtifactKind.Adapter, Sha("candidate"), "/adapters/new",
            [new LineageLink(ArtifactKind.BaseModel, Sha("base")), new LineageLink(ArtifactKind.Dataset, Sha("data"))], "da train sft", new { Method = "lora-sft" }));

        var record = GateLineage.Of(Verdict(0.8, DateTimeOffset.UnixEpoch), "/adapters/new", "/adapters/old", "/models/base", Sha("base"));
        var chain = await ledger.AncestryAsync((await ledger.RecordAsync(record)).Id);

        Assert.Equal([ArtifactKind.GateVerdict, ArtifactKind.Adapter, ArtifactKind.Adapter, ArtifactKind.BaseModel, ArtifactKind.Dataset, ArtifactKind.Dataset],
            chain.Select(r => r.Kind));
        Assert.Equal([Sha("candidate"), Sha("baseline"), Sha("base"), Sha("suite")], record.Parents.Select(p => p.Sha256));
        Assert.Equal("da train sft", chain[1].ProducedBy);
        Assert.Equal("pass", chain[0].Details["verdict"].GetString());
        Assert.Equal("decline_rate", chain[0].Details["metrics"][0].GetProperty("metric").GetString());
    }

    [Fact]
    public void Two_verdicts_on_the_same_adapter_are_two_artifacts_and_the_same_verdict_one()
    {
        var at = DateTimeOffset.UnixEpoch;
        var first = GateLineage.Of(Verdict(0.8, at), "/a", null, "/m", Sha("base"));
        var again = GateLineage.Of(Verdict(0.8, at), "/a", null, "/m", Sha("base"));
        var later = GateLineage.Of(Verdict(0.8, at.AddMinutes(1)), "/a", null, "/m", Sha("base"));
        var failed = GateLineage.Of(Verdict(0.2, at), "/a", null, "/m", Sha("base"));

        Assert.Equal(first.Sha256, again.Sha256);
        Assert.Equal(3, new[] { first.Sha256, later.Sha256, failed.Sha256 }.Distinct().Count());
        Assert.Equal("fail", failed.Details["verdict"].GetString());
        Assert.Equal(3, first.Parents.Count);
        Assert.Equal(JsonValueKind.Array, first.Details["metrics"].ValueKind);
    }
}
