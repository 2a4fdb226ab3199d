using DomainAssistant.Model.Tests.Support;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Model.Tokenization.Jinja;

namespace DomainAssistant.Model.Tests.Tokenization;

public class ChatTemplateTests
{
    static readonly ChatMessage[] Conversation =
    [
        ChatMessage.System("You are terse."),
        ChatMessage.User("Hi"),
        ChatMessage.Assistant("Hello."),
        ChatMessage.User("Bye"),
    ];

    // The templates as the checkpoints' tokenizer_config.json files give them (ChatML as the project's own trainer writes it).
    const string ChatMlJinja = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    const string Llama3Jinja = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}"
        + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
    const string Llama2Jinja = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
        + "{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        + "{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}"
        + "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

    static ModelTokenizer LoadByteLevel(TempFolder folder, string config)
    {
        folder.Write("tokenizer.json", TokenizerFixtures.ByteLevelTokenizerJson());
        folder.Write("tokenizer_config.json", config);
        return TokenizerLoader.Load(folder.Path);
    }

    [Fact]
    public void ChatML_renders_turns_and_the_assistant_prompt()
    {
        using var folder = new TempFolder();
        var tokenizer = LoadByteLevel(folder, TokenizerFixtures.TokenizerConfig(ChatMlJinja, eos: "<|endoftext|>"));
        var template = tokenizer.ChatTemplate;

        Assert.IsType<JinjaChatTemplate>(template);
        Assert.Equal("chatml", template.Name);
        // The project's own tokenizer writes this template; rendered, it is what the hand-written ChatML gives.
        Assert.Equal(new ChatMlTemplate([]).Render(Conversation, addGenerationPrompt: true), template.Render(Conversation, addGenerationPrompt: true));
        Assert.Equal(
            "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n" +
            "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
            template.Render(Conversation, addGenerationPrompt: true));
        Assert.Equal(["<|im_end|>"], template.StopStrings);
        Assert.Equal([tokenizer.SpecialTokens["<|im_end|>"], tokenizer.SpecialTokens["<|endoftext|>"]], template.StopTokenIds);
        // As transformers does, the rendered text is encoded without the tokenizer adding special tokens.
        Assert.True(template.RendersBos);
    }

    [Fact]
    public void Llama3_renders_headers_trimmed_content_and_BOS()
    {
        using var folder = new TempFolder();
        var tokenizer = LoadByteLevel(folder, TokenizerFixtures.TokenizerConfig(Llama3Jinja, bos: "<|begin_of_text|>", eos: "<|eot_id|>"));
        var template = tokenizer.ChatTemplate;

        Assert.IsType<JinjaChatTemplate>(template);
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            template.Render([.. Conversation.Take(3), ChatMessage.User("  Bye \n")], addGenerationPrompt: true));
        Assert.Contains(tokenizer.SpecialTokens["<|eot_id|>"], template.StopTokenIds);
        Assert.True(template.RendersBos);

        var ids = tokenizer.EncodeChat(Conversation, addGenerationPrompt: true);
        Assert.Equal(tokenizer.SpecialTokens["<|begin_of_text|>"], ids[0]);
        Assert.Equal(1, ids.Count(id => id == tokenizer.SpecialTokens["<|begin_of_text|>"]));
    }

    [Fact]
    public void Llama2_renders_the_system_block_inside_the_first_instruction()
    {
        var template = ChatTemplateSelector.Select(Llama2Jinja, new Dictionary<string, int> { ["<s>"] = 1, ["</s>"] = 2 }, bosId: 1, eosId: 2);

        Assert.IsType<JinjaChatTemplate>(template);
        Assert.Equal(
            "<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST] Hello. </s><s>[INST] Bye [/INST]",
            template.Render(Conversation, addGenerationPrompt: true));
        Assert.Equal("<s>[INST] Hi [/INST]", template.Render([ChatMessage.User("Hi")], addGenerationPrompt: true));
        Assert.Equal([2], template.StopTokenIds);
        var refused = Assert.Throws<JinjaRaisedException>(() => template.Render([ChatMessage.User("a"), ChatMessage.User("b")], addGenerationPrompt: true));
        Assert.Contains("must alternate", refused.Message);
    }

    // Mistral 7B Instruct v0.1's template: user and assistant turns only.
    const string MistralV01Jinja = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        + "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";

    [Fact]
    public void A_template_that_refuses_system_messages_says_so_and_the_others_accept_them()
    {
        using var mistral = new TempFolder();
        var refusing = LoadByteLevel(mistral, TokenizerFixtures.TokenizerConfig(MistralV01Jinja, bos: "<|begin_of_text|>", eos: "<|endoftext|>")).ChatTemplate;
        Assert.False(refusing.AcceptsSystemRole);
        Assert.Throws<JinjaRaisedException>(() => refusing.Render(Conversation, addGenerationPrompt: true));

        using var chatMl = new TempFolder();
        Assert.True(LoadByteLevel(chatMl, TokenizerFixtures.TokenizerConfig(ChatMlJinja, eos: "<|endoftext|>")).ChatTemplate.AcceptsSystemRole);
        using var llama2 = new TempFolder();
        Assert.True(LoadByteLevel(llama2, TokenizerFixtures.TokenizerConfig(Llama2Jinja, bos: "<|begin_of_text|>", eos: "<|endoftext|>")).ChatTemplate.AcceptsSystemRole);
    }

    [Fact]
    public void Falls_back_to_the_special_tokens_when_the_config_has_no_template()
    {
        using var folder = new TempFolder();
        var tokenizer = LoadByteLevel(folder, TokenizerFixtures.TokenizerConfig(null));

        // The fixture vocabulary has both ChatML and Llama-3 markers; ChatML is checked first.
        Assert.IsType<ChatMlTemplate>(tokenizer.ChatTemplate);
        Assert.IsType<Llama3ChatTemplate>(ChatTemplateSelector.Select(null,
            new Dictionary<string, int> { ["<|start_header_id|>"] = 5, ["<|end_header_id|>"] = 6, ["<|eot_id|>"] = 7 }, null, 8));
        Assert.IsType<PlainChatTemplate>(ChatTemplateSelector.Select(null, new Dictionary<string, int>(), null, null));
    }

    [Fact]
    public void Reads_the_default_entry_of_a_list_of_named_templates()
    {
        using var folder = new TempFolder();
        var config = """{"chat_template": [{"name": "tool_use", "template": "[INST]"}, {"name": "default", "template": "<|im_start|>"}]}""";

        Assert.Equal("<|im_start|>", LoadByteLevel(folder, config).ChatTemplate.Render([], addGenerationPrompt: false));
    }

    [Fact]
    public void A_chat_template_outside_the_supported_subset_is_refused_naming_the_config_and_the_construct()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<InvalidDataException>(() => LoadByteLevel(folder, """{"chat_template": "{% include 'other.jinja' %}"}"""));

        Assert.Contains(folder.File("tokenizer_config.json"), error.Message);
        Assert.Contains("the 'include' tag is not supported", error.Message);
    }

    [Fact]
    public void Plain_renders_readable_paragraphs_and_stops_at_EOS_or_a_new_user_turn()
    {
        var template = new PlainChatTemplate([2]);

        Assert.Equal(
            "System: You are terse.\n\nUser: Hi\n\nAssistant: Hello.\n\nUser: Bye\n\nAssistant:",
            template.Render(Conversation, addGenerationPrompt: true));
        Assert.Equal("User: Hi", template.Render([ChatMessage.User("Hi")], addGenerationPrompt: false));
        Assert.Equal(["\nUser:"], template.StopStrings);
    }

    [Stories260KFact]
    public void Stories260K_gets_the_plain_template_stopping_at_its_EOS()
    {
        var tokenizer = TokenizerLoader.Load(SharedModels.Tok512Bin);

        Assert.IsType<PlainChatTemplate>(tokenizer.ChatTemplate);
        Assert.Equal([2], tokenizer.ChatTemplate.StopTokenIds);
        var ids = tokenizer.EncodeChat([ChatMessage.User("Tell me a story")], addGenerationPrompt: true);
        Assert.Equal([1, .. tokenizer.Encode("User: Tell me a story\n\nAssistant:", addBos: false)], ids);
    }
}
