using DomainAssistant.Api.Configuration;

namespace DomainAssistant.Api.Serving;

/// <summary>The checkpoint and adapters named by <c>Model:Path</c> and <c>Model:Adapters</c>.</summary>
public sealed class ConfiguredModelSource(ModelOptions options) : IModelSource
{
    public Task<ModelLocation> ResolveAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        var path = options.Path ?? throw new InvalidOperationException("Model:Path is not configured.");
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Model:Path '{Path.GetFullPath(path)}' does not exist (expected a Hugging Face folder or a llama2.c .bin).", path);
        var name = options.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        return Task.FromResult(new ModelLocation(path, options.Tokenizer, name, options.Adapters, options.DefaultAdapter));
    }
}
