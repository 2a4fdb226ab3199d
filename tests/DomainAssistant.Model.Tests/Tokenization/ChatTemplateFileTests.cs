using System.Text.Json.Nodes;
using DomainAssistant.Model.Tests.Tokenization.Reference;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// transformers 4.50 and later save a checkpoint's chat template as chat_template.jinja beside tokenizer_config.json,
/// and on loading that file clobbers any chat_template in the config. A folder saved so must be templated by it, not
/// by a hand-written layout guessed from its special tokens. The folder here is the real Qwen 3 one with its
/// template moved out of tokenizer_config.json (which keeps a decoy template that must lose).
/// </summary>
public class ChatTemplateFileTests
{
    [Fact]
    public void A_chat_template_jinja_beside_the_config_is_the_template_rendered_as_Hugging_Face_renders_it()
    {
        using var folder = QwenFolderWithTemplateFile(decoy: "{{ 'decoy' }}");
        var tokenizer = TokenizerLoader.Load(folder.Path);

        var template = Assert.IsType<JinjaChatTemplate>(tokenizer.ChatTemplate);
        Assert.Equal(folder.File(TokenizerConfig.ChatTemplateFileName), template.SourcePath);
        var compared = 0;
        foreach (var reference in HuggingFaceReferences.Root.GetProperty("templates").GetProperty("qwen3").GetProperty("renderings").EnumerateArray())
        {
            if (reference.TryGetProperty("error", out _)) continue;
            var messages = ReferenceConversations.Get(reference.GetProperty("conversation").GetString()!);
            var addGenerationPrompt = reference.GetProperty("add_generation_prompt").GetBoolean();
            Assert.Equal(reference.GetProperty("text").GetString(), tokenizer.ChatTemplate.Render(messages, addGenerationPrompt));
            compared++;
        }
        Assert.True(compared >= 12, $"only {compared} reference renderings");
    }

    [Fact]
    public void A_chat_template_jinja_outside_the_supported_subset_is_refused_naming_that_file()
    {
        using var folder = QwenFolderWithTemplateFile(decoy: null, template: "{% include 'other.jinja' %}");

        var refused = Assert.Throws<InvalidDataException>(() => TokenizerLoader.Load(folder.Path));

        Assert.Contains(TokenizerConfig.ChatTemplateFileName, refused.Message, StringComparison.Ordinal);
        Assert.Contains("'include'", refused.Message, StringComparison.Ordinal);
    }

    static TempFolder QwenFolderWithTemplateFile(string? decoy, string? template = null)
    {
        var source = HuggingFaceReferences.TokenizerFolder("qwen3");
        var folder = new TempFolder();
        File.Copy(Path.Combine(source, "tokenizer.json"), folder.File("tokenizer.json"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, TokenizerConfig.FileName)))!.AsObject();
        var own = config["chat_template"]!.GetValue<string>();
        if (decoy is null) config.Remove("chat_template");
        else config["chat_template"] = decoy;
        folder.Write(TokenizerConfig.FileName, config.ToJsonString());
        folder.Write(TokenizerConfig.ChatTemplateFileName, template ?? own);
        return folder;
    }
}
