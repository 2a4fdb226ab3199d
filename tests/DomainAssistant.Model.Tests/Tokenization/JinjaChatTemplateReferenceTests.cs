using System.Text.Json;
using DomainAssistant.Model.Tests.Tokenization.Reference;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Model.Tokenization.Jinja;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// Every conversation of Reference/conversations.json, with and without the generation prompt, renders to the text
/// @huggingface/jinja renders from the same template: the chat_template of the Llama 3, Llama 3.1, Llama 3.2, Qwen 3 and
/// Gemma 3 tokenizer folders (loaded the way a checkpoint is, so bos_token and eos_token come from their configs; Llama
/// 3.2's is Meta's long template, whose header carries today's date from strftime_now), and the published templates of
/// Meta's Llama 3.1 Instruct, Qwen2.5, SmolLM2, TinyLlama, Mistral Instruct and Llama 2 chat in Reference/templates. Where a template
/// refuses a conversation (raise_exception), ours refuses it too; where a tokenizer is at hand, the rendered
/// conversation encodes to the ids Hugging Face's tokenizers gives.
/// </summary>
public class JinjaChatTemplateReferenceTests
{
    public static TheoryData<string> Templates => ["llama3", "llama3.1", "llama3.2", "qwen3", "gemma3", "llama3.1-instruct", "qwen2.5", "smollm2", "tinyllama", "mistral", "llama2-chat"];

    [Theory]
    [MemberData(nameof(Templates))]
    public void Renders_every_conversation_as_Hugging_Face_does(string name)
    {
        var (template, tokenizer) = Load(name);
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var reference in HuggingFaceReferences.Root.GetProperty("templates").GetProperty(name).GetProperty("renderings").EnumerateArray())
        {
            compared++;
            var messages = ReferenceConversations.Get(reference.GetProperty("conversation").GetString()!);
            var addGenerationPrompt = reference.GetProperty("add_generation_prompt").GetBoolean();
            var label = $"{reference.GetProperty("conversation").GetString()} (add_generation_prompt={addGenerationPrompt})";
            if (reference.TryGetProperty("error", out var error))
            {
                var refused = Record.Exception(() => template.Render(messages, addGenerationPrompt));
                if (refused is not JinjaRaisedException || !error.GetString()!.Contains(refused.Message, StringComparison.Ordinal))
                    mismatches.Add($"{label}: expected the template to raise \"{error.GetString()}\", got {refused?.Message ?? "no error"}");
                continue;
            }
            var expected = reference.GetProperty("text").GetString()!;
            var actual = template.Render(messages, addGenerationPrompt);
            if (expected != actual)
            {
                mismatches.Add($"{label}: expected {JsonSerializer.Serialize(expected)}\n got {JsonSerializer.Serialize(actual)}");
                continue;
            }
            if (tokenizer is not null && reference.TryGetProperty("ids", out var ids)
                && !ids.EnumerateArray().Select(i => i.GetInt32()).SequenceEqual(tokenizer.EncodeChat(messages, addGenerationPrompt)))
                mismatches.Add($"{label}: the rendered text encodes to other ids than Hugging Face's");
        }
        Assert.True(compared >= 12, $"only {compared} reference renderings");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(6)));
    }

    static (ChatTemplate Template, ModelTokenizer? Tokenizer) Load(string name)
    {
        if (name is "llama3" or "llama3.1" or "llama3.2" or "qwen3" or "gemma3")
        {
            var tokenizer = SharedTokenizers.Get(name);
            return (tokenizer.ChatTemplate, tokenizer);
        }
        using var spec = JsonDocument.Parse(File.ReadAllText(Path.Combine(HuggingFaceReferences.Folder, "templates", name + ".json")));
        var root = spec.RootElement;
        var texts = new Dictionary<string, string>
        {
            ["bos_token"] = root.GetProperty("bos_token").GetString()!,
            ["eos_token"] = root.GetProperty("eos_token").GetString()!,
        };
        return (ChatTemplateSelector.Select(root.GetProperty("chat_template").GetString(), new Dictionary<string, int>(), null, null, texts), null);
    }
}
