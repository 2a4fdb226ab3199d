using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace DomainAssistant.Retrieval.Vectors;

/// <summary>
/// The on-disk form of one domain's vectors. Little-endian:
/// "DAVX", uint32 format version, int32 dimensions, int32 count, domain (length-prefixed UTF-8), then per entry
/// chunk id and document id (length-prefixed UTF-8) and dimensions float32, and finally the SHA-256 of all
/// bytes before it, so a truncated or damaged file is refused instead of serving wrong neighbours.
/// Written to a temporary file in the same folder and renamed over the old one: readers see the old file or
/// the new one, never half of one.
/// </summary>
static class VectorIndexFile
{
    public const uint FormatVersion = 1;
    const int HashLength = 32;
    const int MaxDimensions = 1 << 16;
    static ReadOnlySpan<byte> Magic => "DAVX"u8;

    public static void Write(string path, DomainVectors vectors)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var sha = SHA256.Create())
                using (var hashing = new CryptoStream(file, sha, CryptoStreamMode.Write, leaveOpen: true))
                {
                    using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true)) WriteBody(writer, vectors);
                    hashing.FlushFinalBlock();
                    file.Write(sha.Hash);
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <exception cref="InvalidDataException">The file is not a vector index, is damaged, or is for another domain.</exception>
    public static DomainVectors Read(string path, string? expectedDomain)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 12 + HashLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Corrupt(path, "it does not start with the vector index signature 'DAVX'");
        var body = bytes.AsSpan(0, bytes.Length - HashLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(body.Length)))
            throw Corrupt(path, "its checksum does not match its content (truncated or damaged)");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
            var vectors = ReadBody(reader, path, bytes.Length);
            if (expectedDomain is not null && vectors.Domain != expectedDomain)
                throw Corrupt(path, $"it holds domain '{vectors.Domain}', not '{expectedDomain}'");
            if (reader.BaseStream.Position != body.Length) throw Corrupt(path, "it has bytes after the last entry");
            return vectors;
        }
        catch (Exception e) when (e is EndOfStreamException or DecoderFallbackException or ArgumentException)
        {
            throw Corrupt(path, e.Message);
        }
    }

    static void WriteBody(BinaryWriter writer, DomainVectors vectors)
    {
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(vectors.Dimensions);
        writer.Write(vectors.Count);
        writer.Write(vectors.Domain);
        for (var row = 0; row < vectors.Count; row++)
        {
            writer.Write(vectors.ChunkId(row));
            writer.Write(vectors.DocumentId(row));
            WriteFloats(writer, vectors.Row(row));
        }
    }

    static DomainVectors ReadBody(BinaryReader reader, string path, long fileLength)
    {
        reader.ReadBytes(Magic.Length);
        var version = reader.ReadUInt32();
        if (version != FormatVersion)
            throw Corrupt(path, $"it has format version {version}; this build reads version {FormatVersion}");
        var dimensions = reader.ReadInt32();
        var count = reader.ReadInt32();
        if (dimensions is < 0 or > MaxDimensions || (dimensions == 0 && count > 0))
            throw Corrupt(path, $"its header says {dimensions} dimensions");
        // Each entry needs at least its vector and two length bytes: refuse counts the file cannot hold before allocating.
        if (count < 0 || (long)count * (dimensions * 4L + 2) > fileLength)
            throw Corrupt(path, $"its header says {count} entries, more than the file can hold");
        var vectors = new DomainVectors(reader.ReadString(), dimensions);
        var row = new float[dimensions];
        for (var i = 0; i < count; i++)
        {
            var chunkId = reader.ReadString();
            var documentId = reader.ReadString();
            ReadFloats(reader, row);
            vectors.Upsert(chunkId, documentId, row);
        }
        return vectors;
    }

    static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian) writer.Write(MemoryMarshal.AsBytes(values));
        else foreach (var value in values) writer.Write(value);
    }

    static void ReadFloats(BinaryReader reader, float[] values)
    {
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
            return;
        }
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (reader.Read(bytes) != bytes.Length) throw new EndOfStreamException("it ends inside a vector");
    }

    static InvalidDataException Corrupt(string path, string problem) =>
        new($"Vector index file '{path}' cannot be read: {problem}. Delete it and re-ingest the domain to rebuild it.");
}
