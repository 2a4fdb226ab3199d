using System.Buffers.Binary;
using System.Text;
using DomainAssistant.Model.Checkpoints;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Checkpoints;

/// <summary>Every malformed file is refused with an InvalidDataException naming the file and, where there is one, the tensor.</summary>
public sealed class SafeTensorsCorruptionTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Writes the 8-byte length, the header text exactly as given, then the data bytes.</summary>
    string Raw(string header, int dataBytes, ulong? claimedHeaderLength = null)
    {
        var text = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + text.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, claimedHeaderLength ?? (ulong)text.Length);
        text.CopyTo(file, 8);
        string path = _folder.File("bad.safetensors");
        File.WriteAllBytes(path, file);
        return path;
    }

    static InvalidDataException Refused(string path, params string[] expectedInMessage)
    {
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, error.Message);
        foreach (var part in expectedInMessage) Assert.Contains(part, error.Message);
        return error;
    }

    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_refused()
    {
        string path = _folder.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        Refused(path, "5 bytes", "shorter than the 8-byte header length");
    }

    [Fact]
    public void A_header_length_beyond_the_file_is_refused()
    {
        string path = Raw("{}", dataBytes: 0, claimedHeaderLength: 1000);
        Refused(path, "header length 1000 runs past the end of the file");
    }

    [Fact]
    public void A_header_length_near_two_to_the_64_is_refused_without_allocating()
    {
        string path = Raw("{}", dataBytes: 0, claimedHeaderLength: ulong.MaxValue);
        Refused(path, $"header length {ulong.MaxValue}");
    }

    [Fact]
    public void A_header_that_is_not_json_is_refused()
    {
        Refused(Raw("{\"w\": {\"dtype\": ", dataBytes: 0), "not valid JSON");
    }

    [Fact]
    public void A_header_that_is_not_an_object_of_tensors_is_refused()
    {
        Refused(Raw("[1, 2]", dataBytes: 0), "must be a JSON object");
        Refused(Raw("{\"w\": 3}", dataBytes: 0), "tensor 'w'", "expected an object");
        Refused(Raw("""{"w":{"dtype":"F32","shape":[1]}}""", dataBytes: 4), "tensor 'w'", "data_offsets is missing");
        Refused(Raw("""{"w":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}""", dataBytes: 4), "tensor 'w'", "shape must hold integers");
        Refused(Raw("""{"__metadata__":{"step":3}}""", dataBytes: 0), "__metadata__ entry 'step' must be a string");
    }

    [Fact]
    public void A_tensor_named_twice_is_refused()
    {
        Refused(Raw("""{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", 2),
            "tensor 'w' appears twice");
    }

    [Fact]
    public void An_unknown_dtype_is_refused_naming_the_tensor()
    {
        Refused(Raw("""{"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}""", dataBytes: 4), "tensor 'w'", "unknown dtype 'F8_E4M3'");
    }

    [Fact]
    public void A_negative_dimension_is_refused()
    {
        Refused(Raw("""{"w":{"dtype":"F32","shape":[2,-3],"data_offsets":[0,0]}}""", dataBytes: 0), "tensor 'w'", "negative dimension");
    }

    [Fact]
    public void An_absurd_shape_whose_size_overflows_is_refused()
    {
        Refused(Raw("""{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}""", dataBytes: 8), "tensor 'w'", "absurd");
    }

    [Fact]
    public void A_header_that_lies_about_shapes_is_refused()
    {
        Refused(Raw("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,16]}}""", dataBytes: 24),
            "tensor 'w'", "lies about shapes", "needs 24 bytes", "span 16");
    }

    [Fact]
    public void Offsets_past_the_data_region_are_reported_as_truncation()
    {
        Refused(Raw("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", dataBytes: 8), "tensor 'w'", "truncated", "(8 bytes)");
    }

    [Fact]
    public void A_file_cut_short_after_saving_is_reported_as_truncation()
    {
        string path = _folder.File("cut.safetensors");
        using (var a = RandomTensors.Of(ScalarType.Float32, [4], seed: 1))
        using (var b = RandomTensors.Of(ScalarType.Float32, [4], seed: 2))
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b });
        using (var stream = File.OpenWrite(path)) stream.SetLength(stream.Length - 3);
        Refused(path, "tensor 'b'", "truncated");
    }

    [Fact]
    public void Overlapping_tensors_are_refused_naming_both()
    {
        Refused(Raw("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", dataBytes: 12),
            "'a'", "'b'", "overlap");
    }

    [Fact]
    public void Opening_lazily_validates_the_header_before_any_tensor_is_read()
    {
        string path = Raw("""{"w":{"dtype":"BF16","shape":[3],"data_offsets":[0,4]}}""", dataBytes: 4);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("tensor 'w'", error.Message);
    }
}
