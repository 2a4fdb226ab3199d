using System.Security.Cryptography;
using System.Text;
using DomainAssistant.Storage.Lineage;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Storage.Tests.Lineage;

public sealed class LineageLedgerTests
{
    static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    sealed record Details(string Method, int Steps, string StopReason);

    static LineageRecord Adapter(string name, params LineageLink[] parents) =>
        LineageRecord.Of(ArtifactKind.Adapter, Sha(name), $"/models/{name}", parents, "da train sft", new Details("lora-sft", 12, "schedule"));

    [Fact]
    public async Task A_recorded_artifact_is_found_by_id_and_by_checksum_with_its_details_and_parents()
    {
        using var folder = new TempFolder();
        var ledger = SqliteLineageLedger.InFolder(folder.Path);
        var baseModel = new LineageLink(ArtifactKind.BaseModel, Sha("base"), "/models/base");
        var data = new LineageLink(ArtifactKind.Dataset, Sha("data"), "/data/train.jsonl");

        var stored = await ledger.RecordAsync(Adapter("adapter", baseModel, data));

        Assert.True(File.Exists(Path.Combine(folder.Path, "lineage.db")));
        var byId = await ledger.FindAsync(stored.Id);
        var bySha = await ledger.FindAsync(Sha("adapter"));
        Assert.NotNull(byId);
        Assert.Equal(Sha("adapter")[..16], byId.Id);
        Assert.Equal(byId.ToJson(), bySha!.ToJson());
        Assert.Equal((ArtifactKind.Adapter, "da train sft", "/models/adapter"), (byId.Kind, byId.ProducedBy, byId.Path));
        Assert.Equal(new Details("lora-sft", 12, "schedule"), byId.DetailsAs<Details>());
        Assert.Equal([baseModel.Id, data.Id], byId.Parents.Select(p => p.Id));
        var parents = await ledger.ParentsAsync(stored.Id);
        Assert.Equal([ArtifactKind.BaseModel, ArtifactKind.Dataset], parents.Select(p => p.Kind));
        Assert.All(parents, p => Assert.Equal(LineageRecord.Referenced, p.ProducedBy));
    }

    [Fact]
    public async Task Ancestry_walks_from_a_gate_verdict_to_the_corpus_each_artifact_once()
    {
        using var folder = new TempFolder();
        var ledger = SqliteLineageLedger.InFolder(folder.Path);
        var corpus = new LineageLink(ArtifactKind.CorpusVersion, Sha("corpus"));
        await ledger.RecordAsync(LineageRecord.Of(ArtifactKind.BaseModel, Sha("base"), "/base", [corpus], "job bootstrap", new { Steps = 3 }));
        var baseModel = new LineageLink(ArtifactKind.BaseModel, Sha("base"));
        var data = new LineageLink(ArtifactKind.Dataset, Sha("data"));
        await ledger.RecordAsync(LineageRecord.Of(ArtifactKind.Dataset, Sha("data"), "/data", [corpus], "job bootstrap", new { Examples = 40 }));
        await ledger.RecordAsync(Adapter("adapter", baseModel, data));
        var verdict = await ledger.RecordAsync(LineageRecord.Of(ArtifactKind.GateVerdict, Sha("verdict"), null,
            [new LineageLink(ArtifactKind.Adapter, Sha("adapter")), baseModel], "da eval gate", new { Verdict = "pass" }));

        var chain = await ledger.AncestryAsync(verdict.Sha256);

        Assert.Equal([ArtifactKind.GateVerdict, ArtifactKind.Adapter, ArtifactKind.BaseModel, ArtifactKind.Dataset, ArtifactKind.CorpusVersion],
            chain.Select(r => r.Kind));
        Assert.Equal(chain.Count, chain.Select(r => r.Id).Distinct().Count());
        Assert.Equal("job bootstrap", chain.Single(r => r.Kind == ArtifactKind.BaseModel).ProducedBy);
        Assert.Empty(await ledger.ParentsAsync(Sha("corpus")));
    }

    [Fact]
    public async Task Recording_the_same_checksum_again_keeps_the_first_record_and_adds_no_row()
    {
        using var folder = new TempFolder();
        var ledger = SqliteLineageLedger.InFolder(folder.Path);
        var baseModel = new LineageLink(ArtifactKind.BaseModel, Sha("base"));
        var first = await ledger.RecordAsync(Adapter("adapter", baseModel));

        var again = await ledger.RecordAsync(LineageRecord.Of(ArtifactKind.Adapter, Sha("adapter"), "/elsewhere", [baseModel], "da align kto",
            new Details("lora-kto", 99, "time_limit")));

        Assert.Equal(first.ToJson(), again.ToJson());
        Assert.Equal((2L, 1L), (Count(ledger, "artifacts"), Count(ledger, "artifact_parents")));
    }

    [Fact]
    public async Task A_full_record_replaces_the_placeholder_its_child_left()
    {
        using var folder = new TempFolder();
        var ledger = SqliteLineageLedger.InFolder(folder.Path);
        await ledger.RecordAsync(Adapter("adapter", new LineageLink(ArtifactKind.BaseModel, Sha("base"), "/base")));

        await ledger.RecordAsync(LineageRecord.Of(ArtifactKind.BaseModel, Sha("base"), "/base", [new LineageLink(ArtifactKind.CorpusVersion, Sha("corpus"))],
            "da train base", new { Steps = 5 }));

        var found = await ledger.FindAsync(Sha("base"));
        Assert.Equal("da train base", found!.ProducedBy);
        Assert.Equal(ArtifactKind.CorpusVersion, Assert.Single(found.Parents).Kind);
        Assert.Equal(3, (await ledger.AncestryAsync(Sha("adapter"))).Count);
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("0123456789abcdeg")]
    [InlineData("0123456789abcdef0")]
    [InlineData("")]
    public async Task A_malformed_id_is_refused_naming_what_an_id_looks_like(string text)
    {
        using var folder = new TempFolder();
        var ledger = SqliteLineageLedger.InFolder(folder.Path);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ledger.AncestryAsync(text));

        Assert.Contains("neither a lineage id (16 hex digits) nor a SHA-256", error.Message);
    }

    [Fact]
    public async Task An_unknown_id_is_not_found_with_the_id_in_the_message()
    {
        using var folder = new TempFolder();
        var ledger = SqliteLineageLedger.InFolder(folder.Path);
        await ledger.RecordAsync(Adapter("adapter"));

        Assert.Null(await ledger.FindAsync("00000000000000ff"));
        var error = await Assert.ThrowsAsync<LineageNotFoundException>(() => ledger.AncestryAsync("00000000000000FF"));
        Assert.Contains("00000000000000FF", error.Message);
        await Assert.ThrowsAsync<LineageNotFoundException>(() => ledger.ParentsAsync(Sha("nothing")));
    }

    [Fact]
    public void A_record_round_trips_through_lineage_json_with_its_details_at_the_top_level()
    {
        using var folder = new TempFolder();
        var record = Adapter("adapter", new LineageLink(ArtifactKind.BaseModel, Sha("base"), "/base"));

        record.Write(folder.Path);
        var text = File.ReadAllText(Path.Combine(folder.Path, LineageRecord.FileName));
        var read = LineageRecord.Read(folder.Path);

        Assert.Contains("\"kind\": \"adapter\"", text);
        Assert.Contains("\"stop_reason\": \"schedule\"", text);
        Assert.Contains($"\"id\": \"{Sha("base")[..16]}\"", text);
        Assert.Equal(record.ToJson(), read.ToJson());
        Assert.Equal("lora-sft", read.DetailsAs<Details>().Method);
    }

    [Fact]
    public void A_corrupt_lineage_file_or_a_detail_that_hides_a_common_field_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => LineageRecord.FromJson("{\"kind\": \"adapter\", \"sha256\": \"abc\"}"));
        Assert.Throws<InvalidDataException>(() => LineageRecord.FromJson("{\"kind\": \"spaceship\""));
        Assert.Throws<ArgumentException>(() => LineageRecord.Of(ArtifactKind.Adapter, Sha("a"), null, [], "test", new { Sha256 = "x" }));
        Assert.Throws<ArgumentException>(() => LineageRecord.Of(ArtifactKind.Adapter, "abc", null, [], "test", new { Steps = 1 }));
    }

    static long Count(SqliteLineageLedger ledger, string table)
    {
        using var connection = new SqliteConnection($"Data Source={ledger.Path};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table};";
        return (long)command.ExecuteScalar()!;
    }
}
