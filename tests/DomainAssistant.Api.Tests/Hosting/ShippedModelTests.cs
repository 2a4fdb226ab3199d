using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Model.Checkpoints;

namespace DomainAssistant.Api.Tests.Hosting;

/// <summary>
/// Specifies how the host serves a domain's shipped model (domains/{domain}/model: base/, adapter/ and
/// checksums.sha256, as `da bootstrap` writes it) when Model:Path is unset: with every checksum holding it is served
/// as it is, nothing trained; with a file changed, the log names that file and the host bootstraps a model instead.
/// </summary>
public sealed class ShippedModelTests
{
    static Dictionary<string, string?> Settings(string dataDirectory) => TinyBootstrap.Settings(dataDirectory);

    /// <summary>
    /// Ships the scripted model (a real Hugging Face base and PEFT adapter whose answer is known) as the domain's model,
    /// laid out as `da bootstrap` lays it out, with its checksums.
    /// </summary>
    static string Ship(AssistantHost host)
    {
        var shipped = Path.Combine(host.DomainsRoot, AssistantHost.Domain, "model");
        Copy(ScriptedModel.Instance.ModelFolder, Path.Combine(shipped, "base"));
        Copy(ScriptedModel.Instance.Adapters["sft"], Path.Combine(shipped, "adapter"));
        FolderChecksums.Write(shipped);
        return shipped;
    }

    static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public async Task A_shipped_model_whose_checksums_hold_is_served_without_any_training()
    {
        using var data = new TempFolder();
        using var host = new AssistantHost(Settings(data.Path));
        var shipped = Ship(host);

        var client = await host.ReadyClientAsync(TimeSpan.FromMinutes(1));
        var (text, done, _) = await client.ChatAsync("When is the blue bin collected?");

        Assert.Equal(ScriptedModel.Answer, text); // the shipped weights answer
        Assert.Equal("sft", done.GetProperty("adapter").GetString());
        Assert.True(host.Log.Contains($"Serving the domain's shipped model from {shipped}"), "serving the shipped model is logged");
        Assert.False(host.Log.Contains("bootstrapping:"), "nothing is trained");
        Assert.False(Directory.Exists(Path.Combine(data.Path, "models", "bootstrap")), "no bootstrap folder is made");
    }

    [Fact]
    public async Task A_changed_shipped_file_is_named_in_the_log_and_the_host_bootstraps_a_model_instead()
    {
        using var data = new TempFolder();
        using var host = new AssistantHost(Settings(data.Path));
        var shipped = Ship(host);
        var weights = Path.Combine(shipped, "adapter", "adapter_model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0x20;
        File.WriteAllBytes(weights, bytes);

        var client = await host.ReadyClientAsync(TimeSpan.FromMinutes(5));
        var (text, done, _) = await client.ChatAsync("When is the blue bin collected?");

        Assert.True(host.Log.Contains($"{weights}: checksum mismatch"), "the changed file is named");
        Assert.True(host.Log.Contains($"The shipped model of {AssistantHost.Domain} failed its checksum check"), "the fallback is announced");
        Assert.False(host.Log.Contains("Serving the domain's shipped model"), "the shipped model is not served");
        Assert.True(host.Log.Contains("bootstrapping: pretraining a tiny base"), "a base is pretrained instead");
        Assert.True(File.Exists(Path.Combine(data.Path, "models", "bootstrap", AssistantHost.Domain, "adapters", "sft", "lineage.json")));
        Assert.Equal("sft", done.GetProperty("adapter").GetString());
        Assert.NotEqual(ScriptedModel.Answer, text);
    }
}
