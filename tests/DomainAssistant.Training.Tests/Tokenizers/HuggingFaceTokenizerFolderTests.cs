using System.Text.Json;
using DomainAssistant.Training.Tests.Support;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Training.Tests.Tokenizers;

/// <summary>The saved folder has the fields Hugging Face's tokenizers and transformers read.</summary>
public sealed class HuggingFaceTokenizerFolderTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    [Fact]
    public void Tokenizer_json_describes_byte_level_bpe_without_normalizer_or_post_processor()
    {
        using var json = Read("tokenizer.json");
        var root = json.RootElement;

        Assert.Equal("1.0", root.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("normalizer").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("post_processor").ValueKind);
        foreach (var name in new[] { "pre_tokenizer", "decoder" })
        {
            Assert.Equal("ByteLevel", root.GetProperty(name).GetProperty("type").GetString());
            Assert.False(root.GetProperty(name).GetProperty("add_prefix_space").GetBoolean());
        }
        Assert.True(root.GetProperty("pre_tokenizer").GetProperty("use_regex").GetBoolean());
        var model = root.GetProperty("model");
        Assert.Equal("BPE", model.GetProperty("type").GetString());
        foreach (var name in new[] { "dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix" })
            Assert.Equal(JsonValueKind.Null, model.GetProperty(name).ValueKind);
        Assert.False(model.GetProperty("fuse_unk").GetBoolean());
        Assert.False(model.GetProperty("byte_fallback").GetBoolean());
    }

    [Fact]
    public void Merges_are_left_right_strings_in_learned_order_over_vocabulary_tokens()
    {
        using var json = Read("tokenizer.json");
        var model = json.RootElement.GetProperty("model");
        var vocab = model.GetProperty("vocab").EnumerateObject().Select(entry => entry.Name).ToHashSet(StringComparer.Ordinal);

        var merges = model.GetProperty("merges").EnumerateArray().Select(merge => merge.GetString()!.Split(' ')).ToList();

        Assert.Equal(tokenizer.Vocabulary.Merges.Select(merge => new[] { merge.Left, merge.Right }), merges);
        Assert.All(merges, parts => Assert.True(parts.Length == 2 && vocab.Contains(parts[0]) && vocab.Contains(parts[1]) && vocab.Contains(parts[0] + parts[1])));
    }

    [Fact]
    public void Added_tokens_are_the_special_tokens_at_their_ids()
    {
        using var json = Read("tokenizer.json");

        var added = json.RootElement.GetProperty("added_tokens").EnumerateArray()
                        .Select(token => (Id: token.GetProperty("id").GetInt32(), Content: token.GetProperty("content").GetString(), Special: token.GetProperty("special").GetBoolean()));

        Assert.Equal(ChatSpecialTokens.All.Select((token, id) => (id, (string?)token, true)), added);
    }

    [Fact]
    public void Tokenizer_config_names_bos_eos_pad_the_chat_template_and_the_context_length()
    {
        using var config = Read("tokenizer_config.json");
        using var map = Read("special_tokens_map.json");

        foreach (var root in new[] { config.RootElement, map.RootElement })
        {
            Assert.Equal(ChatSpecialTokens.EndOfText, root.GetProperty("bos_token").GetString());
            Assert.Equal(ChatSpecialTokens.ImEnd, root.GetProperty("eos_token").GetString());
            Assert.Equal(ChatSpecialTokens.Pad, root.GetProperty("pad_token").GetString());
        }
        Assert.Equal(ChatSpecialTokens.ChatMlTemplate, config.RootElement.GetProperty("chat_template").GetString());
        Assert.Contains("<|im_start|>", ChatSpecialTokens.ChatMlTemplate);
        Assert.Equal(2048, config.RootElement.GetProperty("model_max_length").GetInt32());
        Assert.Equal(ChatSpecialTokens.ImStart, config.RootElement.GetProperty("added_tokens_decoder").GetProperty("1").GetProperty("content").GetString());
    }

    JsonDocument Read(string file) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(tokenizer.Folder, file)));
}
