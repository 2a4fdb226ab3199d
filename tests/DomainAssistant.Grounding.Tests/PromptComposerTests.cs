using DomainAssistant.Grounding.Tests.Support;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Grounding.Tests;

public sealed class PromptComposerTests : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("da-composer-");

    public void Dispose() => _folder.Delete(recursive: true);

    // Mistral 7B Instruct v0.1's template: user and assistant turns only.
    const string MistralV01 = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        + "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";

    /// <summary>The sample domain's tokenizer with another chat template.</summary>
    ModelTokenizer Tokenizer(string chatTemplate)
    {
        var shipped = Path.Combine(RepositoryFiles.Domain("tidewell-support"), "model", "base");
        File.Copy(Path.Combine(shipped, "tokenizer.json"), Path.Combine(_folder.FullName, "tokenizer.json"));
        var config = new System.Text.Json.Nodes.JsonObject { ["chat_template"] = chatTemplate, ["bos_token"] = "<|endoftext|>", ["eos_token"] = "<|im_end|>" };
        File.WriteAllText(Path.Combine(_folder.FullName, "tokenizer_config.json"), config.ToJsonString());
        return TokenizerLoader.Load(_folder.FullName);
    }

    static RetrievedChunk Retrieved(string text) =>
        new(new Chunk("c1", "a.md", "d", 0, text, 0, text.Length, "Battery care", "a.md"), 1, RetrievalSources.Lexical, 1, null);

    [Fact]
    public void A_template_that_refuses_system_messages_gets_the_system_text_at_the_head_of_the_first_user_turn()
    {
        var tokenizer = Tokenizer(MistralV01);
        Assert.False(tokenizer.ChatTemplate.AcceptsSystemRole);
        ChatMessage[] history = [ChatMessage.User("Earlier question"), ChatMessage.Assistant("Earlier answer [1]")];

        var prompt = PromptComposer.Compose("You are the support assistant.", null, history, "How long does charging take?",
            [Retrieved("Charging takes 2 hours.")], tokenizer, contextLength: 1024, maxTokens: 64);

        Assert.Equal([ChatRoles.User, ChatRoles.Assistant, ChatRoles.User], prompt.Messages.Select(m => m.Role));
        Assert.StartsWith("You are the support assistant.", prompt.Messages[0].Content, StringComparison.Ordinal);
        Assert.Contains("[1] Battery care", prompt.Messages[0].Content, StringComparison.Ordinal);
        Assert.EndsWith("\n\nEarlier question", prompt.Messages[0].Content, StringComparison.Ordinal);
        Assert.StartsWith("<|endoftext|>[INST] You are the support assistant.", prompt.Text, StringComparison.Ordinal);
        Assert.EndsWith("[INST] How long does charging take? [/INST]", prompt.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_that_accepts_system_messages_keeps_them()
    {
        var tokenizer = TokenizerLoader.Load(Path.Combine(RepositoryFiles.Domain("tidewell-support"), "model", "base"));
        var prompt = PromptComposer.Compose("You are the support assistant.", null, [], "How long does charging take?",
            [Retrieved("Charging takes 2 hours.")], tokenizer, contextLength: 1024, maxTokens: 64);
        Assert.Equal([ChatRoles.System, ChatRoles.User], prompt.Messages.Select(m => m.Role));
    }
}
