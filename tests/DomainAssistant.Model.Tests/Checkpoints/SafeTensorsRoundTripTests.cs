using System.Buffers.Binary;
using System.Text;
using DomainAssistant.Model.Checkpoints;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Checkpoints;

public class SafeTensorsRoundTripTests
{
    public static TheoryData<ScalarType> Dtypes() =>
    [
        ScalarType.Float64, ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Int64,
        ScalarType.Int32, ScalarType.Int16, ScalarType.Int8, ScalarType.Byte, ScalarType.Bool,
    ];

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void Each_dtype_round_trips_bit_for_bit(ScalarType dtype)
    {
        using var folder = new TempFolder();
        using var original = RandomTensors.Of(dtype, [3, 5], seed: (int)dtype);
        SafeTensors.Save(folder.File("t.safetensors"), new Dictionary<string, Tensor> { ["t"] = original });

        var loaded = SafeTensors.Load(folder.File("t.safetensors"));
        RandomTensors.AssertIdentical(original, loaded["t"]);
        RandomTensors.DisposeAll(loaded.Values);
    }

    [Fact]
    public void Scalars_vectors_and_empty_tensors_keep_their_shapes_and_bytes()
    {
        using var folder = new TempFolder();
        var tensors = new Dictionary<string, Tensor>
        {
            ["scalar"] = RandomTensors.Of(ScalarType.Float32, [], seed: 1),
            ["vector"] = RandomTensors.Of(ScalarType.Int64, [5], seed: 2),
            ["empty"] = RandomTensors.Of(ScalarType.Float16, [0], seed: 3),
            ["hollow"] = RandomTensors.Of(ScalarType.BFloat16, [2, 0, 3], seed: 4),
            ["mask"] = RandomTensors.Of(ScalarType.Bool, [7], seed: 5),
            ["cube"] = RandomTensors.Of(ScalarType.BFloat16, [2, 3, 4], seed: 6),
        };
        SafeTensors.Save(folder.File("mixed.safetensors"), tensors);

        var loaded = SafeTensors.Load(folder.File("mixed.safetensors"));
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, tensor) in tensors) RandomTensors.AssertIdentical(tensor, loaded[name]);
        Assert.Empty(loaded["scalar"].shape);
        RandomTensors.DisposeAll(tensors.Values.Concat(loaded.Values));
    }

    [Fact]
    public void Metadata_round_trips_and_is_empty_when_absent()
    {
        using var folder = new TempFolder();
        using var t = RandomTensors.Of(ScalarType.Float32, [2], seed: 1);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["step"] = "1200", ["note"] = "ünïcode \"quoted\"" };
        SafeTensors.Save(folder.File("m.safetensors"), new Dictionary<string, Tensor> { ["t"] = t }, metadata);
        SafeTensors.Save(folder.File("plain.safetensors"), new Dictionary<string, Tensor> { ["t"] = t });

        Assert.Equal(metadata.OrderBy(p => p.Key), SafeTensors.LoadMetadata(folder.File("m.safetensors")).OrderBy(p => p.Key));
        Assert.Empty(SafeTensors.LoadMetadata(folder.File("plain.safetensors")));
    }

    [Fact]
    public void The_header_is_padded_to_eight_bytes_and_the_same_tensors_give_the_same_file()
    {
        using var folder = new TempFolder();
        using var a = RandomTensors.Of(ScalarType.Float16, [3], seed: 1);
        using var b = RandomTensors.Of(ScalarType.Float64, [1], seed: 2);
        using var c = RandomTensors.Of(ScalarType.Int8, [5], seed: 3);
        SafeTensors.Save(folder.File("1.safetensors"), new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c });
        SafeTensors.Save(folder.File("2.safetensors"), new Dictionary<string, Tensor> { ["c"] = c, ["a"] = a, ["b"] = b });

        byte[] first = File.ReadAllBytes(folder.File("1.safetensors"));
        Assert.Equal(first, File.ReadAllBytes(folder.File("2.safetensors")));
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(first);
        Assert.Equal(0UL, headerLength % 8);
        Assert.Equal((long)headerLength + 8 + 3 * 2 + 8 + 5, first.Length);
        Assert.False(File.Exists(folder.File("1.safetensors.partial")));
    }

    [Fact]
    public void The_header_is_compact_json_with_metadata_first_and_wider_dtypes_first()
    {
        using var folder = new TempFolder();
        using var bytes = RandomTensors.Of(ScalarType.Int8, [3], seed: 1);
        using var floats = RandomTensors.Of(ScalarType.Float32, [2], seed: 2);
        SafeTensors.Save(folder.File("h.safetensors"), new Dictionary<string, Tensor> { ["a"] = bytes, ["b"] = floats },
            new Dictionary<string, string> { ["format"] = "pt" });

        byte[] file = File.ReadAllBytes(folder.File("h.safetensors"));
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        string header = Encoding.UTF8.GetString(file, 8, headerLength);
        const string expected = """{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"I8","shape":[3],"data_offsets":[8,11]}}""";
        Assert.Equal(expected, header.TrimEnd(' '));
        Assert.Equal((expected.Length + 7) / 8 * 8, headerLength);
        Assert.Equal(RandomTensors.BytesOf(floats), file[(8 + headerLength)..(8 + headerLength + 8)]);
        Assert.Equal(RandomTensors.BytesOf(bytes), file[(8 + headerLength + 8)..]);
    }

    [Fact]
    public void Non_contiguous_tensors_are_saved_by_value()
    {
        using var folder = new TempFolder();
        using var matrix = tensor(new float[] { 0, 1, 2, 3, 4, 5 }).reshape(2, 3);
        using var transposed = matrix.t();
        Assert.False(transposed.is_contiguous());
        SafeTensors.Save(folder.File("t.safetensors"), new Dictionary<string, Tensor> { ["t"] = transposed });

        var loaded = SafeTensors.Load(folder.File("t.safetensors"));
        Assert.Equal(new long[] { 3, 2 }, loaded["t"].shape);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, loaded["t"].data<float>().ToArray());
        RandomTensors.DisposeAll(loaded.Values);
    }

    [Fact]
    public void Reads_a_file_laid_out_by_hand_from_the_format_description()
    {
        using var folder = new TempFolder();
        // Written as another implementation would: metadata first, tensors out of name order, header padded.
        string header = """{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I16","shape":[1,2],"data_offsets":[8,12]}}""";
        header = header.PadRight((header.Length + 7) / 8 * 8);
        var data = new byte[12];
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(0), 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -2f);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(8), 7);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(10), -300);
        var file = new byte[8].Concat(Encoding.UTF8.GetBytes(header)).Concat(data).ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        File.WriteAllBytes(folder.File("hand.safetensors"), file);

        var loaded = SafeTensors.Load(folder.File("hand.safetensors"));
        Assert.Equal(new[] { 1.5f, -2f }, loaded["w"].data<float>().ToArray());
        Assert.Equal(new long[] { 1, 2 }, loaded["b"].shape);
        Assert.Equal(new short[] { 7, -300 }, loaded["b"].data<short>().ToArray());
        Assert.Equal("pt", SafeTensors.LoadMetadata(folder.File("hand.safetensors"))["format"]);
        RandomTensors.DisposeAll(loaded.Values);
    }

    [Fact]
    public void The_lazy_file_lists_entries_from_the_header_and_loads_one_tensor_by_name()
    {
        using var folder = new TempFolder();
        using var big = RandomTensors.Of(ScalarType.BFloat16, [4, 6], seed: 1);
        using var small = RandomTensors.Of(ScalarType.Int32, [3], seed: 2);
        SafeTensors.Save(folder.File("lazy.safetensors"), new Dictionary<string, Tensor> { ["big"] = big, ["small"] = small });

        using var file = SafeTensorsFile.Open(folder.File("lazy.safetensors"));
        var entries = file.Entries.ToDictionary(e => e.Name);
        Assert.Equal("BF16", entries["big"].Dtype);
        Assert.Equal(new long[] { 4, 6 }, entries["big"].Shape);
        Assert.Equal(ScalarType.Int32, entries["small"].ScalarType);
        Assert.Equal(12, entries["small"].ByteLength);

        using var loaded = file.Load("small");
        RandomTensors.AssertIdentical(small, loaded);
        var missing = Assert.Throws<KeyNotFoundException>(() => file.Load("nope"));
        Assert.Contains("nope", missing.Message);
        Assert.Contains(folder.File("lazy.safetensors"), missing.Message);
    }

    [Fact]
    public void A_dtype_safetensors_cannot_hold_is_refused_before_anything_is_written()
    {
        using var folder = new TempFolder();
        using var complex = zeros(2, dtype: ScalarType.ComplexFloat32);
        var error = Assert.Throws<ArgumentException>(() =>
            SafeTensors.Save(folder.File("c.safetensors"), new Dictionary<string, Tensor> { ["z"] = complex }));
        Assert.Contains("'z'", error.Message);
        Assert.Empty(Directory.EnumerateFiles(folder.Path));
    }
}
