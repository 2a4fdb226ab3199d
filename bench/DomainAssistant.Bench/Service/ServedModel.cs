using DomainAssistant.Model.Checkpoints;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// The checkpoint the benchmarked host serves (<c>Model:Path</c>, <c>Model:Adapters</c>, <c>Model:DefaultAdapter</c>)
/// and how the report names it. Without <c>--model</c> it is stories260K converted to a Hugging Face folder (what
/// <c>da convert</c> does): a children's-story model that has never seen the domain, so its accuracy means nothing.
/// </summary>
public sealed class ServedModel : IDisposable
{
    readonly DirectoryInfo? _converted;

    ServedModel(string path, IReadOnlyDictionary<string, string> adapters, string? defaultAdapter, string label, DirectoryInfo? converted)
    {
        Path = path;
        Adapters = adapters;
        DefaultAdapter = defaultAdapter;
        Label = label;
        _converted = converted;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, string> Adapters { get; }

    public string? DefaultAdapter { get; }

    /// <summary>What the report says was served.</summary>
    public string Label { get; }

    /// <summary>Whether the model was trained on the domain, so that its answer accuracy says something.</summary>
    public bool Meaningful => _converted is null;

    /// <exception cref="DirectoryNotFoundException">A named model or adapter folder does not exist.</exception>
    public static ServedModel Resolve(string? modelPath, IReadOnlyDictionary<string, string> adapters, string? defaultAdapter)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        if (modelPath is null) return ConvertStories260K();
        foreach (var folder in adapters.Values.Prepend(modelPath))
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"model or adapter folder '{folder}' does not exist.");
        var fallback = defaultAdapter ?? adapters.Keys.FirstOrDefault();
        var label = $"{System.IO.Path.GetFullPath(modelPath)}" + (fallback is null ? " (base, no adapter)" : $" + adapter {fallback} ({System.IO.Path.GetFullPath(adapters[fallback])})");
        return new ServedModel(modelPath, adapters, fallback, label, null);
    }

    static ServedModel ConvertStories260K()
    {
        var shared = System.IO.Path.GetDirectoryName(BenchModels.Stories260KPath())!;
        var folder = Directory.CreateTempSubdirectory("da-bench-stories260K-");
        Llama2cConversion.Convert(System.IO.Path.Combine(shared, "stories260K.bin"), System.IO.Path.Combine(shared, "tok512.bin"), folder.FullName);
        return new ServedModel(folder.FullName, new Dictionary<string, string>(), null,
            "stories260K converted with `da convert` (no domain training: accuracy not meaningful)", folder);
    }

    /// <summary>The host's configuration keys for this model.</summary>
    public Dictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string> { ["Model:Path"] = System.IO.Path.GetFullPath(Path) };
        foreach (var (name, folder) in Adapters) settings[$"Model:Adapters:{name}"] = System.IO.Path.GetFullPath(folder);
        if (DefaultAdapter is not null) settings["Model:DefaultAdapter"] = DefaultAdapter;
        return settings;
    }

    public void Dispose() => _converted?.Delete(recursive: true);
}
