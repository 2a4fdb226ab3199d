using System.Text.Json;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Cli.Tests;

/// <summary>`da tokenizer chat` renders a messages file with the folder's own chat template and prints the text and its ids.</summary>
public sealed class TokenizerChatTests : IDisposable
{
    readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "da-chat-" + Guid.NewGuid().ToString("N"))).FullName;

    // A domain's shipped tokenizer, as the project's trainer writes it (byte-level BPE with a ChatML chat_template).
    static string ShippedTokenizer()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DomainAssistant.sln")))
                return Path.Combine(dir.FullName, "domains", "tidewell-support", "model", "base");
        throw new InvalidOperationException("DomainAssistant.sln not found above " + AppContext.BaseDirectory);
    }

    string Messages(string json)
    {
        var path = Path.Combine(_folder, "messages.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task Prints_the_rendered_conversation_and_its_ids_as_json()
    {
        var messages = Messages("""[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Where is my order?"}]""");

        var run = await CliRun.InvokeAsync("tokenizer", "chat", "--tokenizer", ShippedTokenizer(), "--messages", messages, "--add-generation-prompt", "--json");

        Assert.Equal(0, run.ExitCode);
        using var result = JsonDocument.Parse(run.Output);
        var text = result.RootElement.GetProperty("text").GetString();
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhere is my order?<|im_end|>\n<|im_start|>assistant\n", text);
        var tokenizer = TokenizerLoader.Load(ShippedTokenizer());
        Assert.Equal(tokenizer.Encode(text!, addBos: false), result.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task Without_the_generation_prompt_the_text_ends_after_the_last_turn()
    {
        var messages = Messages("""[{"role": "user", "content": "hi"}]""");

        var run = await CliRun.InvokeAsync("tokenizer", "chat", "--tokenizer", ShippedTokenizer(), "--messages", messages, "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n", JsonDocument.Parse(run.Output).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_messages_file_that_is_not_a_list_of_messages_is_refused_by_name()
    {
        var messages = Messages("""[{"role": "user"}]""");

        var run = await CliRun.InvokeAsync("tokenizer", "chat", "--tokenizer", ShippedTokenizer(), "--messages", messages, "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: {messages}: message 0 needs a \"role\" and a string \"content\"", run.Error);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
