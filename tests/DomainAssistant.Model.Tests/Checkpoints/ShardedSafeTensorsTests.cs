using System.Text.Json;
using DomainAssistant.Model.Checkpoints;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Checkpoints;

public sealed class ShardedSafeTensorsTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Six 64-byte tensors: with a 150-byte limit, two fit per shard.</summary>
    static Dictionary<string, Tensor> SixTensors() =>
        Enumerable.Range(0, 6).ToDictionary(i => $"layer.{i}.weight", i => RandomTensors.Of(ScalarType.Float32, [4, 4], seed: i));

    [Fact]
    public void Round_trips_across_three_shards_with_an_index()
    {
        var tensors = SixTensors();
        var index = ShardedSafeTensors.Save(_folder.Path, tensors, maxShardBytes: 150);

        string[] shards = ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"];
        Assert.Equal(shards, index.ShardFiles);
        Assert.All(shards, s => Assert.True(File.Exists(_folder.File(s))));
        Assert.All(shards, s => Assert.InRange(new FileInfo(_folder.File(s)).Length, 1, 150 + 512));
        using (var json = JsonDocument.Parse(File.ReadAllText(_folder.File(SafeTensorsIndex.FileName))))
        {
            Assert.Equal(6 * 64, json.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
            Assert.Equal(6, json.RootElement.GetProperty("weight_map").EnumerateObject().Count());
        }

        var loaded = ShardedSafeTensors.LoadAll(_folder.File(SafeTensorsIndex.FileName));
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, tensor) in tensors) RandomTensors.AssertIdentical(tensor, loaded[name]);
        RandomTensors.DisposeAll(tensors.Values.Concat(loaded.Values));
    }

    [Fact]
    public void A_tensor_larger_than_the_limit_gets_a_shard_of_its_own()
    {
        using var small = RandomTensors.Of(ScalarType.Int8, [10], seed: 1);
        using var large = RandomTensors.Of(ScalarType.Float64, [20], seed: 2);
        var index = ShardedSafeTensors.Save(_folder.Path, new Dictionary<string, Tensor> { ["a.small"] = small, ["b.large"] = large }, maxShardBytes: 100);

        Assert.Equal(2, index.ShardFiles.Count);
        Assert.NotEqual(index.WeightMap["a.small"], index.WeightMap["b.large"]);
        Assert.Equal(170, index.TotalSize);
    }

    [Fact]
    public void The_lazy_view_lists_every_mapped_tensor_and_reads_one_from_its_shard()
    {
        var tensors = SixTensors();
        ShardedSafeTensors.Save(_folder.Path, tensors, maxShardBytes: 150);

        using var checkpoint = ShardedSafeTensors.Open(_folder.File(SafeTensorsIndex.FileName));
        Assert.Equal(tensors.Keys.Order(), checkpoint.Entries.Select(e => e.Name).Order());
        Assert.All(checkpoint.Entries, e => Assert.Equal(new long[] { 4, 4 }, e.Shape));
        using var fifth = checkpoint.Load("layer.4.weight");
        RandomTensors.AssertIdentical(tensors["layer.4.weight"], fifth);
        RandomTensors.DisposeAll(tensors.Values);
    }

    [Fact]
    public void A_missing_shard_names_the_index_and_the_shard()
    {
        var tensors = SixTensors();
        ShardedSafeTensors.Save(_folder.Path, tensors, maxShardBytes: 150);
        RandomTensors.DisposeAll(tensors.Values);
        File.Delete(_folder.File("model-00002-of-00003.safetensors"));

        string index = _folder.File(SafeTensorsIndex.FileName);
        var error = Assert.Throws<FileNotFoundException>(() => ShardedSafeTensors.LoadAll(index));
        Assert.Contains(index, error.Message);
        Assert.Contains("model-00002-of-00003.safetensors", error.Message);
    }

    [Fact]
    public void An_index_naming_a_tensor_its_shard_lacks_is_refused()
    {
        using var t = RandomTensors.Of(ScalarType.Float32, [2], seed: 1);
        SafeTensors.Save(_folder.File("part.safetensors"), new Dictionary<string, Tensor> { ["present"] = t });
        string index = _folder.File(SafeTensorsIndex.FileName);
        File.WriteAllText(index, """{"metadata":{"total_size":8},"weight_map":{"present":"part.safetensors","absent":"part.safetensors"}}""");

        var error = Assert.Throws<InvalidDataException>(() => ShardedSafeTensors.Open(index));
        Assert.Contains(index, error.Message);
        Assert.Contains("'absent'", error.Message);
        Assert.Contains("part.safetensors", error.Message);
    }

    [Theory]
    [InlineData("../outside.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    public void An_index_pointing_outside_its_folder_is_refused(string shard)
    {
        string index = _folder.File(SafeTensorsIndex.FileName);
        File.WriteAllText(index, JsonSerializer.Serialize(new { weight_map = new Dictionary<string, string> { ["w"] = shard } }));

        var error = Assert.Throws<InvalidDataException>(() => ShardedSafeTensors.Open(index));
        Assert.Contains(index, error.Message);
        Assert.Contains("'w'", error.Message);
    }

    [Fact]
    public void An_index_without_a_weight_map_is_refused()
    {
        string index = _folder.File(SafeTensorsIndex.FileName);
        File.WriteAllText(index, """{"metadata":{"total_size":0}}""");
        var error = Assert.Throws<InvalidDataException>(() => ShardedSafeTensors.Open(index));
        Assert.Contains(index, error.Message);
        Assert.Contains("weight_map", error.Message);
    }
}
