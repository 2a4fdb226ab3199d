using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// Writes one safetensors file, streaming each tensor's own bytes to disk (no concatenated buffer). The file is
/// written beside the target and renamed into place, so a crash never leaves a half-written checkpoint under its name.
/// </summary>
static class SafeTensorsWriter
{
    sealed record Placement(string Name, string Dtype, long[] Shape, long Begin, long End, Tensor Tensor);

    static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var placements = Place(tensors);
        byte[] header = HeaderBytes(placements, metadata);
        string partial = path + ".partial";
        try
        {
            using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                Span<byte> prefix = stackalloc byte[sizeof(ulong)];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                foreach (var placement in placements) WriteTensor(stream, placement.Tensor);
            }
            File.Move(partial, path, overwrite: true);
        }
        catch
        {
            if (File.Exists(partial)) File.Delete(partial);
            throw;
        }
    }

    /// <summary>Bytes a tensor takes in a safetensors file; throws for dtypes the format cannot hold here.</summary>
    public static long ByteLength(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (!SafeTensorsDtype.TryGetName(tensor.dtype, out _, out int elementSize))
            throw new ArgumentException($"Tensor '{name}' has dtype {tensor.dtype}, which safetensors cannot store here " +
                                        $"(supported: {string.Join(", ", SafeTensorsDtype.Names)}).", nameof(tensor));
        return tensor.NumberOfElements * elementSize;
    }

    /// <summary>
    /// Orders tensors by element size (largest first) then name, as the reference writer does, so every tensor
    /// starts at an offset aligned to its element size and the same dictionary always gives the same file.
    /// </summary>
    static List<Placement> Place(IReadOnlyDictionary<string, Tensor> tensors)
    {
        var ordered = tensors
            .Select(pair => (pair.Key, pair.Value, Length: ByteLength(pair.Key, pair.Value)))
            .OrderByDescending(t => t.Value.ElementSize)
            .ThenBy(t => t.Key, StringComparer.Ordinal);
        var placements = new List<Placement>();
        long offset = 0;
        foreach (var (name, tensor, length) in ordered)
        {
            if (string.IsNullOrEmpty(name) || name == SafeTensorsHeaderJson.MetadataKey)
                throw new ArgumentException($"'{name}' cannot name a tensor in a safetensors file.", nameof(tensors));
            SafeTensorsDtype.TryGetName(tensor.dtype, out string dtype, out _);
            placements.Add(new Placement(name, dtype, tensor.shape, offset, offset + length, tensor));
            offset += length;
        }
        return placements;
    }

    /// <summary>Compact JSON, padded with spaces so the data region starts at a multiple of 8.</summary>
    static byte[] HeaderBytes(List<Placement> placements, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsHeaderJson.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            foreach (var p in placements)
            {
                json.WriteStartObject(p.Name);
                json.WriteString("dtype", p.Dtype);
                WriteArray(json, "shape", p.Shape);
                WriteArray(json, "data_offsets", [p.Begin, p.End]);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    static void WriteArray(Utf8JsonWriter json, string name, long[] values)
    {
        json.WriteStartArray(name);
        foreach (long value in values) json.WriteNumberValue(value);
        json.WriteEndArray();
    }

    /// <summary>Copies to CPU or to contiguous memory one tensor at a time, so the extra memory is one tensor at most.</summary>
    static void WriteTensor(Stream stream, Tensor tensor)
    {
        var cpu = tensor.device_type == TorchSharp.DeviceType.CPU ? null : tensor.cpu();
        var source = cpu ?? tensor;
        var dense = source.is_contiguous() ? null : source.contiguous();
        try
        {
            TensorBytes.Write(stream, dense ?? source);
        }
        finally
        {
            dense?.Dispose();
            cpu?.Dispose();
        }
    }
}
