using System.Net;
using System.Runtime.Intrinsics;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;

namespace DomainAssistant.Api.Tests.Hosting;

public sealed class HostTests
{
    [Fact]
    public async Task An_invalid_setting_stops_the_host_at_startup_naming_the_key()
    {
        using var host = new AssistantHost(new Dictionary<string, string?> { ["Model:Threads"] = "-1", ["Model:DType"] = "float8" });

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        var message = error.ToString();
        Assert.Contains("Model:Threads", message, StringComparison.Ordinal);
        Assert.Contains("Model:DType", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_key_in_a_section_stops_the_host()
    {
        using var host = new AssistantHost(new Dictionary<string, string?> { ["Auth:ChatRequireKey"] = "true" });

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains("ChatRequireKey", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_that_cannot_load_keeps_health_at_503_with_the_reason_while_the_process_answers_alive()
    {
        var settings = AssistantHost.WithoutScriptedModel();
        settings["Model:Path"] = "/nonexistent/model-folder";
        using var host = new AssistantHost(settings);
        var client = host.CreateClient();

        JsonElement report;
        HttpStatusCode status;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            status = response.StatusCode;
            report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            await Task.Delay(50);
        }
        while (report.GetProperty("status").GetString() != "failed" && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(["model"], report.GetProperty("failed").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("/nonexistent/model-folder", report.GetProperty("parts").GetProperty("model").GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var chat = await client.PostChatAsync(new { message = "hello" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, chat.StatusCode);
        Assert.Contains("failed to start", await chat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Liveness is not readiness: the process is alive, so nothing should restart it for a model that cannot load.
        using var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Stories260KFact]
    public async Task Serves_the_stories260K_checkpoint_converted_to_a_Hugging_Face_folder()
    {
        using var folder = new TempFolder();
        var stories = RepositoryFiles.Stories260K!;
        Llama2cConversion.Convert(Path.Combine(stories, "stories260K.bin"), Path.Combine(stories, "tok512.bin"), folder.Path);
        var settings = AssistantHost.WithoutScriptedModel();
        settings["Model:Path"] = folder.Path;
        using var host = new AssistantHost(settings);
        var client = await host.ReadyClientAsync();

        var (text, done, events) = await client.ChatAsync("Once upon a time");

        Assert.True(events.Count >= 2);
        Assert.False(string.IsNullOrEmpty(text));
        Assert.Equal(JsonValueKind.Null, done.GetProperty("adapter").ValueKind); // no adapter is configured: the base answers
        var prompt = (string)Rows.Scalar(Path.Combine(host.DataDirectory, "conversations.db"), "SELECT prompt FROM messages WHERE role = 'assistant'")!;
        Assert.StartsWith("System: ", prompt, StringComparison.Ordinal);    // stories260K has no chat tokens: the plain template
        Assert.EndsWith("User: Once upon a time\n\nAssistant:", prompt, StringComparison.Ordinal);
    }

    [Stories260KFact]
    public async Task Says_in_the_log_when_batches_decode_from_a_panel_copy_of_the_weights()
    {
        // stories260K's tokenizer under a random model wide enough for the batched kernel (256 x 256 and up).
        using var folder = new TempFolder();
        var stories = RepositoryFiles.Stories260K!;
        Llama2cConversion.Convert(Path.Combine(stories, "stories260K.bin"), Path.Combine(stories, "tok512.bin"), folder.Path);
        var config = new LlamaConfig
        {
            VocabSize = 512, HiddenSize = 256, IntermediateSize = 512, NumHiddenLayers = 1, NumAttentionHeads = 4,
            NumKeyValueHeads = 4, MaxPositionEmbeddings = 256, TieWordEmbeddings = true,
        };
        using (var wide = LlamaForCausalLM.Create(config))
            HuggingFaceFolder.Save(folder.Path, config, wide.state_dict());

        // Panels exist only where their kernel runs (AVX-512); elsewhere asking for them is answered with a warning.
        bool panelKernel = Vector512.IsHardwareAccelerated;
        foreach (var (setting, expected) in new[] { ((string?)null, false), ("true", panelKernel) })
        {
            var settings = AssistantHost.WithoutScriptedModel();
            settings["Model:Path"] = folder.Path;
            settings["Model:WeightPanels"] = setting; // unset: a 1M-parameter model decodes on one thread, where panels lose
            using var host = new AssistantHost(settings);
            await host.ReadyClientAsync();
            Assert.Equal(expected, host.Log.Contains("panel-ordered copy of the float32 weights"));
            Assert.Equal(setting == "true" && !panelKernel, host.Log.Contains("no weight of this model takes the panel kernel"));
        }
    }

    [Stories260KFact]
    public async Task Says_in_the_log_when_a_bfloat16_model_is_served_on_a_cpu_that_emulates_bfloat16()
    {
        using var folder = new TempFolder();
        var stories = RepositoryFiles.Stories260K!;
        Llama2cConversion.Convert(Path.Combine(stories, "stories260K.bin"), Path.Combine(stories, "tok512.bin"), folder.Path);
        foreach (var dtype in new[] { "float32", "bfloat16" })
        {
            var settings = AssistantHost.WithoutScriptedModel();
            settings["Model:Path"] = folder.Path;
            settings["Model:DType"] = dtype;
            using var host = new AssistantHost(settings);
            await host.ReadyClientAsync();
            Assert.Equal(dtype == "bfloat16" && !NativeBFloat16.OnThisCpu, host.Log.Contains("no native bfloat16 products"));
        }
    }
}
