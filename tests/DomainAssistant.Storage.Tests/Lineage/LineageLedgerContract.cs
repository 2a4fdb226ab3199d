using DomainAssistant.Storage.Lineage;
using DomainAssistant.Storage.PostgreSql;
using Microsoft.Data.Sqlite;
using Npgsql;
using static DomainAssistant.Storage.Tests.Lineage.LineageSamples;

namespace DomainAssistant.Storage.Tests.Lineage;

/// <summary>
/// What every <see cref="ILineageLedger"/> does, run against each implementation (SQLite for the embedded mode,
/// PostgreSQL for scale-out) by the classes below.
/// </summary>
public abstract class LineageLedgerContract : StoreContract<ILineageLedger>
{
    /// <summary>The rows of one of the ledger's tables (<c>artifacts</c>, <c>artifact_parents</c>), read past the port.</summary>
    protected abstract Task<long> RowsAsync(string table);

    [SkippableFact]
    public async Task A_recorded_artifact_is_found_by_id_and_by_checksum_with_its_details_and_parents()
    {
        var baseModel = new LineageLink(ArtifactKind.BaseModel, Sha("base"), "/models/base");
        var data = new LineageLink(ArtifactKind.Dataset, Sha("data"), "/data/train.jsonl");

        var stored = await Store.RecordAsync(Adapter("adapter", baseModel, data));

        var byId = await Store.FindAsync(stored.Id);
        var bySha = await Store.FindAsync(Sha("adapter"));
        Assert.NotNull(byId);
        Assert.Equal(Sha("adapter")[..16], byId.Id);
        Assert.Equal(stored.ToJson(), byId.ToJson());
        Assert.Equal(byId.ToJson(), bySha!.ToJson());
        Assert.Equal((ArtifactKind.Adapter, "da train sft", "/models/adapter"), (byId.Kind, byId.ProducedBy, byId.Path));
        Assert.Equal(new Details("lora-sft", 12, "schedule"), byId.DetailsAs<Details>());
        Assert.Equal([baseModel.Id, data.Id], byId.Parents.Select(p => p.Id));
        Assert.Equal(["/models/base", "/data/train.jsonl"], byId.Parents.Select(p => p.Path));
        var parents = await Store.ParentsAsync(stored.Id);
        Assert.Equal([ArtifactKind.BaseModel, ArtifactKind.Dataset], parents.Select(p => p.Kind));
        Assert.All(parents, p => Assert.Equal(LineageRecord.Referenced, p.ProducedBy));
    }

    [SkippableFact]
    public async Task Details_and_time_come_back_as_written()
    {
        const string unusual = "Ünïcödé 日本語 'quotes' \"double\" \\ ; DROP TABLE artifacts; --";
        var at = new DateTimeOffset(2026, 12, 6, 15, 0, 0, 123, TimeSpan.Zero).AddTicks(4560);
        var record = LineageRecord.Of(ArtifactKind.RewardModel, Sha("reward"), null, [], unusual,
            new { Zebra = 1, Alpha = new[] { 0.5, double.NaN }, Note = unusual }, at);

        var found = await Store.RecordAsync(record);

        Assert.Equal(record.ToJson(), found.ToJson());
        Assert.Equal(at, found.CreatedAt);
        Assert.Null(found.Path);
    }

    [SkippableFact]
    public async Task Ancestry_walks_from_a_gate_verdict_to_the_corpus_each_artifact_once()
    {
        var corpus = new LineageLink(ArtifactKind.CorpusVersion, Sha("corpus"));
        await Store.RecordAsync(LineageRecord.Of(ArtifactKind.BaseModel, Sha("base"), "/base", [corpus], "job bootstrap", new { Steps = 3 }));
        var baseModel = new LineageLink(ArtifactKind.BaseModel, Sha("base"));
        var data = new LineageLink(ArtifactKind.Dataset, Sha("data"));
        await Store.RecordAsync(LineageRecord.Of(ArtifactKind.Dataset, Sha("data"), "/data", [corpus], "job bootstrap", new { Examples = 40 }));
        await Store.RecordAsync(Adapter("adapter", baseModel, data));
        var verdict = await Store.RecordAsync(LineageRecord.Of(ArtifactKind.GateVerdict, Sha("verdict"), null,
            [new LineageLink(ArtifactKind.Adapter, Sha("adapter")), baseModel], "da eval gate", new { Verdict = "pass" }));

        var chain = await Store.AncestryAsync(verdict.Sha256);

        Assert.Equal([ArtifactKind.GateVerdict, ArtifactKind.Adapter, ArtifactKind.BaseModel, ArtifactKind.Dataset, ArtifactKind.CorpusVersion],
            chain.Select(r => r.Kind));
        Assert.Equal(chain.Count, chain.Select(r => r.Id).Distinct().Count());
        Assert.Equal("job bootstrap", chain.Single(r => r.Kind == ArtifactKind.BaseModel).ProducedBy);
        Assert.Empty(await Store.ParentsAsync(Sha("corpus")));
    }

    [SkippableFact]
    public async Task Recording_the_same_checksum_again_keeps_the_first_record_and_adds_no_row()
    {
        var baseModel = new LineageLink(ArtifactKind.BaseModel, Sha("base"));
        var first = await Store.RecordAsync(Adapter("adapter", baseModel));

        var again = await Store.RecordAsync(LineageRecord.Of(ArtifactKind.Adapter, Sha("adapter"), "/elsewhere",
            [baseModel, new LineageLink(ArtifactKind.Dataset, Sha("data"))], "da align kto", new Details("lora-kto", 99, "time_limit")));

        Assert.Equal(first.ToJson(), again.ToJson());
        Assert.Equal((2L, 1L), (await RowsAsync("artifacts"), await RowsAsync("artifact_parents")));
    }

    [SkippableFact]
    public async Task A_full_record_replaces_the_placeholder_its_child_left()
    {
        await Store.RecordAsync(Adapter("adapter", new LineageLink(ArtifactKind.BaseModel, Sha("base"), "/base")));

        await Store.RecordAsync(LineageRecord.Of(ArtifactKind.BaseModel, Sha("base"), "/base", [new LineageLink(ArtifactKind.CorpusVersion, Sha("corpus"))],
            "da train base", new { Steps = 5 }));

        var found = await Store.FindAsync(Sha("base"));
        Assert.Equal("da train base", found!.ProducedBy);
        Assert.Equal(5, found.Details["steps"].GetInt32());
        Assert.Equal(ArtifactKind.CorpusVersion, Assert.Single(found.Parents).Kind);
        Assert.Equal(3, (await Store.AncestryAsync(Sha("adapter"))).Count);
        Assert.Equal((3L, 2L), (await RowsAsync("artifacts"), await RowsAsync("artifact_parents")));
    }

    [SkippableFact]
    public async Task An_artifact_naming_itself_as_its_parent_is_refused_and_nothing_is_recorded()
    {
        var record = Adapter("adapter", new LineageLink(ArtifactKind.BaseModel, Sha("base")), new LineageLink(ArtifactKind.Adapter, Sha("adapter")));

        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordAsync(record));

        Assert.Null(await Store.FindAsync(Sha("base")));
        Assert.Equal(0L, await RowsAsync("artifacts"));
    }

    [SkippableTheory]
    [InlineData("not-an-id")]
    [InlineData("0123456789abcdeg")]
    [InlineData("0123456789abcdef0")]
    [InlineData("")]
    public async Task A_malformed_id_is_refused_naming_what_an_id_looks_like(string text)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.AncestryAsync(text));

        Assert.Contains("neither a lineage id (16 hex digits) nor a SHA-256", error.Message);
    }

    [SkippableFact]
    public async Task An_unknown_id_is_not_found_with_the_id_in_the_message()
    {
        await Store.RecordAsync(Adapter("adapter"));

        Assert.Null(await Store.FindAsync("00000000000000ff"));
        var error = await Assert.ThrowsAsync<LineageNotFoundException>(() => Store.AncestryAsync("00000000000000FF"));
        Assert.Contains("00000000000000FF", error.Message);
        await Assert.ThrowsAsync<LineageNotFoundException>(() => Store.ParentsAsync(Sha("nothing")));
    }

    [SkippableFact]
    public async Task Concurrent_recorders_keep_the_first_record_of_a_checksum_and_lose_no_other()
    {
        var baseModel = new LineageLink(ArtifactKind.BaseModel, Sha("base"));
        var data = new LineageLink(ArtifactKind.Dataset, Sha("data"));
        // Eight writers record one adapter as different makers, each over a dataset of its own: only the first's record,
        // links and placeholder are kept. Eight others record adapters of their own over the same new parents, named in
        // both orders.
        var same = Enumerable.Range(0, 8).Select(i => Task.Run(() => Store.RecordAsync(LineageRecord.Of(ArtifactKind.Adapter, Sha("shared"), "/models/shared",
            [baseModel, new LineageLink(ArtifactKind.Dataset, Sha($"data-{i}"))], $"writer {i}", new Details("lora-sft", i, "schedule")))));
        var distinct = Enumerable.Range(0, 8).Select(i => Task.Run(() => Store.RecordAsync(i % 2 == 0
            ? Adapter($"adapter-{i}", baseModel, data)
            : Adapter($"adapter-{i}", data, baseModel))));

        var recorded = await Task.WhenAll(same.Concat(distinct));

        var kept = await Store.FindAsync(Sha("shared"));
        Assert.All(recorded.Take(8), r => Assert.Equal(kept!.ToJson(), r.ToJson()));
        var writer = kept!.DetailsAs<Details>().Steps;
        Assert.Equal($"writer {writer}", kept.ProducedBy);
        Assert.Equal([Sha("base"), Sha($"data-{writer}")], kept.Parents.Select(p => p.Sha256));
        foreach (var i in Enumerable.Range(0, 8))
            Assert.Equal(2, (await Store.ParentsAsync(Sha($"adapter-{i}"))).Count);
        Assert.Equal((12L, 18L), (await RowsAsync("artifacts"), await RowsAsync("artifact_parents")));
    }
}

public sealed class SqliteLineageLedgerTests : LineageLedgerContract
{
    SqliteLineageLedger Ledger => (SqliteLineageLedger)Store;

    protected override Task<StoreLease<ILineageLedger>> OpenAsync() => StoreBackends.Sqlite<ILineageLedger>(SqliteLineageLedger.InFolder);

    protected override Task<long> RowsAsync(string table)
    {
        using var connection = new SqliteConnection($"Data Source={Ledger.Path};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table};";
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    [Fact]
    public async Task The_ledger_is_lineage_db_in_the_data_folder()
    {
        await Store.RecordAsync(Adapter("adapter"));

        Assert.Equal(SqliteLineageLedger.FileName, Path.GetFileName(Ledger.Path));
        Assert.True(File.Exists(Ledger.Path));
    }
}

public sealed class PostgresLineageLedgerTests : LineageLedgerContract
{
    PostgresDatabase? _database;

    protected override Task<StoreLease<ILineageLedger>> OpenAsync() => StoreBackends.Postgres<ILineageLedger>(database =>
    {
        _database = database;
        return new PostgresLineageLedger(database);
    });

    protected override async Task<long> RowsAsync(string table)
    {
        await using var connection = await _database!.OpenAsync(PostgresLineageLedger.Schema, CancellationToken.None);
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
