using System.IO.Compression;
using System.Net.Http.Headers;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Api.Tests.Operations;

/// <summary>Zips of PEFT folders as an operator sends them, built from real adapters (well-formed or tampered with).</summary>
public static class AdapterZips
{
    /// <summary>The folder's files zipped under <paramref name="prefix"/>, plus extra entries.</summary>
    public static byte[] Zip(string folder, string prefix = "", params (string Name, byte[] Content)[] extra)
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                archive.CreateEntryFromFile(file, prefix + Path.GetFileName(file));
            foreach (var (name, content) in extra)
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(content);
            }
        }
        return memory.ToArray();
    }

    /// <summary>A copy of <paramref name="source"/> in <paramref name="folder"/> whose weights carry one more tensor.</summary>
    public static string WithTensor(string source, string folder, string key, long[] shape)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(source)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var path = Path.Combine(folder, PeftAdapter.WeightsFileName);
        var tensors = SafeTensors.Load(path);
        tensors[key] = zeros(shape);
        SafeTensors.Save(path, tensors);
        foreach (var tensor in tensors.Values) tensor.Dispose();
        return folder;
    }

    /// <summary>A LoRA saved from a Llama whose hidden size differs from the scripted model's.</summary>
    public static string ForAnotherBase(string folder)
    {
        var config = new LlamaConfig { VocabSize = 64, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 1, NumAttentionHeads = 4, NumKeyValueHeads = 4, MaxPositionEmbeddings = 128 };
        using var model = LlamaForCausalLM.Create(config);
        model.AddAdapter("other", new LoraConfig { R = 4, LoraAlpha = 8, TargetModules = LoraTargets.Of("q_proj", "v_proj") }, 3);
        PeftAdapter.Save(folder, model, "other");
        return folder;
    }

    public static ByteArrayContent Body(byte[] zip, string mediaType = "application/zip")
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    /// <summary>The client, sending the operator key from now on.</summary>
    public static HttpClient OperatorClient(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new("Bearer", AssistantHost.OperatorKey);
        return client;
    }
}
