using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// The header of a safetensors file, read and checked against the file's real size before any tensor is allocated:
/// an untrusted header must never make us allocate or read outside what the file holds.
/// </summary>
sealed class SafeTensorsHeader
{
    /// <summary>The same ceiling the reference implementation uses; real headers are a few hundred kilobytes at most.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    SafeTensorsHeader(long dataStart, long dataLength, IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        DataStart = dataStart;
        DataLength = dataLength;
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>File offset of the data region (8 + header length).</summary>
    public long DataStart { get; }

    public long DataLength { get; }

    /// <summary>Entries in the order their bytes appear in the file.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafeTensorsHeader Read(SafeFileHandle file, string path)
    {
        long fileLength = RandomAccess.GetLength(file);
        if (fileLength < sizeof(ulong))
            throw Corrupt(path, $"the file is {fileLength} bytes long, shorter than the 8-byte header length that starts every safetensors file");

        Span<byte> prefix = stackalloc byte[sizeof(ulong)];
        TensorBytes.ReadExactly(file, prefix, 0, path, "the header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - sizeof(ulong)))
            throw Corrupt(path, $"the header length {headerLength} runs past the end of the file ({fileLength} bytes): truncated or not a safetensors file");
        if (headerLength > MaxHeaderBytes)
            throw Corrupt(path, $"the header length {headerLength} is over the {MaxHeaderBytes}-byte limit");

        var json = new byte[headerLength];
        TensorBytes.ReadExactly(file, json, sizeof(ulong), path, "the header");
        long dataStart = sizeof(ulong) + (long)headerLength;
        long dataLength = fileLength - dataStart;
        var (entries, metadata) = SafeTensorsHeaderJson.Parse(json, path, dataLength);
        entries.Sort(static (a, b) => a.DataBegin != b.DataBegin ? a.DataBegin.CompareTo(b.DataBegin) : a.DataEnd.CompareTo(b.DataEnd));
        CheckNoOverlap(entries, path);
        return new SafeTensorsHeader(dataStart, dataLength, entries, metadata);
    }

    public static InvalidDataException Corrupt(string path, string problem) =>
        new($"Invalid safetensors file '{path}': {problem}.");

    /// <summary>Two tensors sharing bytes would alias after loading; a well-formed writer never produces that.</summary>
    static void CheckNoOverlap(List<SafeTensorsEntry> byOffset, string path)
    {
        SafeTensorsEntry? previous = null;
        foreach (var entry in byOffset)
        {
            if (entry.ByteLength == 0) continue;
            if (previous is not null && entry.DataBegin < previous.DataEnd)
                throw Corrupt(path, $"tensors '{previous.Name}' (data_offsets [{previous.DataBegin}, {previous.DataEnd}]) and " +
                                    $"'{entry.Name}' (data_offsets [{entry.DataBegin}, {entry.DataEnd}]) overlap");
            previous = entry;
        }
    }
}
