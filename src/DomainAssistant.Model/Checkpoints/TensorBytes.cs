using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

// The chunked path only runs for tensors over 256 MiB; tests drive it with tiny chunks instead.
[assembly: InternalsVisibleTo("DomainAssistant.Model.Tests")]

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// Moves bytes between a file and a contiguous CPU tensor's own storage, with no managed copy in between.
/// TorchSharp exposes storage only as a Span (at most 2 GiB), so a big tensor is walked as 1-D views of
/// at most <see cref="DefaultChunkBytes"/> each; the views share the tensor's memory.
/// </summary>
static class TensorBytes
{
    public const long DefaultChunkBytes = 1L << 28;

    delegate void ChunkAction(Span<byte> chunk, long byteOffset);

    /// <summary>Fills <paramref name="tensor"/> (contiguous, CPU) with the bytes at <paramref name="fileOffset"/>.</summary>
    public static void Read(SafeFileHandle file, long fileOffset, Tensor tensor, string path, string what, long chunkBytes = DefaultChunkBytes) =>
        ForEachChunk(tensor, chunkBytes, (chunk, offset) => ReadExactly(file, chunk, fileOffset + offset, path, what));

    /// <summary>Writes the bytes of <paramref name="tensor"/> (contiguous, CPU) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, Tensor tensor, long chunkBytes = DefaultChunkBytes) =>
        ForEachChunk(tensor, chunkBytes, (chunk, _) => stream.Write(chunk));

    public static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long fileOffset, string path, string what)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(file, buffer, fileOffset);
            if (read == 0)
                throw SafeTensorsHeader.Corrupt(path, $"the file ended at byte {fileOffset} while reading {what}");
            buffer = buffer[read..];
            fileOffset += read;
        }
    }

    static void ForEachChunk(Tensor tensor, long chunkBytes, ChunkAction action)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this reader runs on little-endian machines only.");
        if (tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("Tensor bytes can only be moved for a contiguous CPU tensor.", nameof(tensor));
        long count = tensor.NumberOfElements;
        if (count == 0) return;
        long elementSize = tensor.ElementSize;
        using var flat = tensor.view(-1);
        long perChunk = Math.Max(1, chunkBytes / elementSize);
        for (long start = 0; start < count; start += perChunk)
        {
            using var piece = flat.narrow(0, start, Math.Min(perChunk, count - start));
            action(piece.bytes, start * elementSize);
        }
    }
}
