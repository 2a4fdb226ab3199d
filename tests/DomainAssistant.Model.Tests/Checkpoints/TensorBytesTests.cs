using DomainAssistant.Model.Checkpoints;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Checkpoints;

/// <summary>Tensors over 256 MiB are moved in chunks of views; tiny chunks exercise that path on tiny tensors.</summary>
public class TensorBytesTests
{
    [Theory]
    [InlineData(ScalarType.Float32, 12)]
    [InlineData(ScalarType.Float64, 12)]
    [InlineData(ScalarType.BFloat16, 1)]
    [InlineData(ScalarType.Int8, 5)]
    public void Chunked_writes_and_reads_move_exactly_the_tensor_bytes(ScalarType dtype, long chunkBytes)
    {
        using var folder = new TempFolder();
        using var original = RandomTensors.Of(dtype, [5, 7], seed: (int)chunkBytes);
        string path = folder.File("raw.bin");
        using (var stream = File.Create(path))
        {
            stream.Write([0xAA, 0xBB, 0xCC]);
            TensorBytes.Write(stream, original, chunkBytes);
        }
        Assert.Equal(RandomTensors.BytesOf(original), File.ReadAllBytes(path)[3..]);

        using var copy = empty([5, 7], dtype);
        using (var file = File.OpenHandle(path))
            TensorBytes.Read(file, 3, copy, path, "raw", chunkBytes);
        RandomTensors.AssertIdentical(original, copy);
    }

    [Fact]
    public void A_file_that_ends_inside_a_tensor_is_reported()
    {
        using var folder = new TempFolder();
        string path = folder.File("short.bin");
        File.WriteAllBytes(path, new byte[10]);
        using var tensor = empty([4], ScalarType.Float32);
        using var file = File.OpenHandle(path);
        var error = Assert.Throws<InvalidDataException>(() => TensorBytes.Read(file, 0, tensor, path, "tensor 'x'", chunkBytes: 4));
        Assert.Contains(path, error.Message);
        Assert.Contains("tensor 'x'", error.Message);
    }
}
