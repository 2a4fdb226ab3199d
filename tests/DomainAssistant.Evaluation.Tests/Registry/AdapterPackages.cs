using System.IO.Compression;
using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Evaluation.Tests.Registry;

/// <summary>Real PEFT folders saved from a tiny Llama, and zips of them (well-formed or tampered with) as an operator would send.</summary>
public static class AdapterPackages
{
    public static LlamaConfig Base { get; } = new()
    {
        VocabSize = 64, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2, MaxPositionEmbeddings = 128,
    };

    /// <summary>A PEFT folder of a LoRA (r = 4 on q_proj and v_proj) for <paramref name="config"/>.</summary>
    public static string SaveAdapter(string folder, LlamaConfig config, long seed = 1)
    {
        using var model = LlamaForCausalLM.Create(config);
        model.AddAdapter("a", new LoraConfig { R = 4, LoraAlpha = 8, TargetModules = LoraTargets.Of("q_proj", "v_proj") }, seed);
        PeftAdapter.Save(folder, model, "a");
        return folder;
    }

    /// <summary>The folder's files zipped, each under <paramref name="prefix"/>.</summary>
    public static byte[] Zip(string folder, string prefix = "")
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                archive.CreateEntryFromFile(file, prefix + Path.GetFileName(file));
        return memory.ToArray();
    }

    /// <summary>The folder's files zipped, plus one entry named <paramref name="name"/>.</summary>
    public static byte[] ZipWith(string folder, string name, byte[] content, int? unixMode = null)
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                archive.CreateEntryFromFile(file, Path.GetFileName(file));
            var entry = archive.CreateEntry(name);
            if (unixMode is { } mode) entry.ExternalAttributes = mode << 16;
            using var stream = entry.Open();
            stream.Write(content);
        }
        return memory.ToArray();
    }

    /// <summary>Rewrites the folder's weights with one more tensor (named <paramref name="key"/>, shaped <paramref name="shape"/>).</summary>
    public static void AddTensor(string folder, string key, long[] shape)
    {
        var path = Path.Combine(folder, PeftAdapter.WeightsFileName);
        var tensors = SafeTensors.Load(path);
        tensors[key] = zeros(shape);
        SafeTensors.Save(path, tensors);
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }
}
