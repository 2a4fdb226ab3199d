using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// An open safetensors file whose header has been read and validated; tensors are read one at a time on demand,
/// each straight from the file into a freshly allocated CPU tensor (no intermediate buffer).
/// </summary>
public sealed class SafeTensorsFile : ITensorCheckpoint
{
    readonly SafeFileHandle _file;
    readonly SafeTensorsHeader _header;
    readonly Dictionary<string, SafeTensorsEntry> _byName;

    SafeTensorsFile(string path, SafeFileHandle file, SafeTensorsHeader header)
    {
        Path = path;
        _file = file;
        _header = header;
        _byName = header.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>Opens <paramref name="path"/> and validates its header; throws <see cref="InvalidDataException"/> naming the file and tensor.</summary>
    public static SafeTensorsFile Open(string path)
    {
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            return new SafeTensorsFile(path, file, SafeTensorsHeader.Read(file, path));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>Every tensor in the file, in the order of its bytes.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries => _header.Entries;

    /// <summary>The header's optional "__metadata__" (for example {"format": "pt"}); empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _header.Metadata;

    public bool Contains(string name) => _byName.ContainsKey(name);

    public SafeTensorsEntry Entry(string name) =>
        _byName.TryGetValue(name, out var entry)
            ? entry
            : throw new KeyNotFoundException($"Safetensors file '{Path}' has no tensor named '{name}'.");

    /// <summary>Reads one tensor into a new CPU tensor of its stored dtype and shape. The caller owns (disposes) it.</summary>
    public Tensor Load(string name)
    {
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        var entry = Entry(name);
        var tensor = empty(entry.ShapeArray(), entry.ScalarType);
        try
        {
            TensorBytes.Read(_file, _header.DataStart + entry.DataBegin, tensor, Path, $"tensor '{name}'");
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Reads every tensor; on failure the ones already read are disposed.</summary>
    public Dictionary<string, Tensor> LoadAll() => this.LoadMany(Entries.Select(e => e.Name));

    public void Dispose() => _file.Dispose();
}
