using DomainAssistant.Storage.Lineage;
using static DomainAssistant.Storage.Tests.Lineage.LineageSamples;

namespace DomainAssistant.Storage.Tests.Lineage;

/// <summary>lineage.json, the record's form beside a model folder: no ledger involved.</summary>
public sealed class LineageRecordTests
{
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
}
