using DomainAssistant.Model.Tokenization;
using DomainAssistant.Model.Tokenization.HuggingFace;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>tokenizer.json byte-level BPE (GPT-2, Llama-3, Qwen2 style) through the tokenizer.json pipeline.</summary>
public class ByteLevelBpeTests
{
    const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public static TheoryData<bool, string?> Layouts => new()
    {
        { false, null },            // "a b" merges, ByteLevel pre-tokenizer with GPT-2's regex
        { true, Llama3Pattern },    // [a, b] merges, Sequence[Split(regex), ByteLevel]
    };

    static ModelTokenizer Load(TempFolder folder, TokenizerFixtures.JsonOptions options, string? config = null)
    {
        folder.Write("tokenizer.json", TokenizerFixtures.ByteLevelTokenizerJson(options));
        if (config is not null) folder.Write("tokenizer_config.json", config);
        return TokenizerLoader.Load(folder.Path);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Round_trips_any_UTF8_text_exactly(bool mergesAsPairs, string? splitPattern)
    {
        using var folder = new TempFolder();
        var tokenizer = Load(folder, new() { MergesAsPairs = mergesAsPairs, SplitPattern = splitPattern });
        var random = new Random(7);
        var texts = new List<string> { "", "hello the world", "中文 and 日本語", "emoji 🐱👍🏽 mixed", "tabs\tand\r\nnewlines\n\n", "  leading and trailing  ", "it's 123456" };
        for (var n = 0; n < 200; n++)
            texts.Add(char.ConvertFromUtf32(random.Next(2) == 0 ? random.Next(0x20, 0x3000) : random.Next(0x1F300, 0x1FAFF)) + new string(' ', random.Next(3)) + n);

        foreach (var text in texts)
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, addBos: false)));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Applies_the_merges_within_pre_tokenized_words(bool mergesAsPairs, string? splitPattern)
    {
        using var folder = new TempFolder();
        var tokenizer = Load(folder, new() { MergesAsPairs = mergesAsPairs, SplitPattern = splitPattern });
        var vocabulary = ((HuggingFaceTokenizer)tokenizer.Inner).Model.Vocab;

        Assert.Equal([vocabulary["Ġthe"]], tokenizer.Encode(" the", addBos: false));
        Assert.Equal([vocabulary["he"], vocabulary["llo"]], tokenizer.Encode("hello", addBos: false));
    }

    [Fact]
    public void Splits_with_the_tokenizer_json_pattern_before_merging()
    {
        using var folder = new TempFolder();
        // One digit per pre-token: the "1 2" merge can never apply.
        var tokenizer = Load(folder, new() { SplitPattern = @"\p{N}|[^\p{N}]+" });
        var vocabulary = ((HuggingFaceTokenizer)tokenizer.Inner).Model.Vocab;

        Assert.Equal([vocabulary["1"], vocabulary["2"]], tokenizer.Encode("12", addBos: false));
        using var gpt2 = new TempFolder();
        Assert.Equal([vocabulary["12"]], Load(gpt2, new()).Encode("12", addBos: false));
    }

    [Fact]
    public void Reads_added_tokens_in_text_as_one_id_and_leaves_special_ones_out_of_decoded_text()
    {
        using var folder = new TempFolder();
        var tokenizer = Load(folder, new());
        var imStart = tokenizer.SpecialTokens["<|im_start|>"];
        var imEnd = tokenizer.SpecialTokens["<|im_end|>"];
        var tool = tokenizer.SpecialTokens["<tool>"];

        var ids = tokenizer.Encode("<|im_start|>user\nhi<|im_end|><tool>x", addBos: false);

        Assert.Equal(imStart, ids[0]);
        Assert.Contains(imEnd, ids);
        Assert.Contains(tool, ids);
        Assert.Equal("user\nhi<tool>x", tokenizer.Decode(ids));
    }

    [Fact]
    public void Adds_BOS_only_when_the_post_processor_or_config_says_so()
    {
        using var llama3 = new TempFolder();
        var withBos = Load(llama3, new() { PostProcessorAddsBos = true });
        using var qwen = new TempFolder();
        var withoutBos = Load(qwen, new(), TokenizerFixtures.TokenizerConfig(null, bos: null, eos: "<|im_end|>"));

        Assert.True(withBos.AddsBos);
        Assert.Equal(withBos.SpecialTokens["<|begin_of_text|>"], withBos.Encode("hi", addBos: true)[0]);
        Assert.Equal(withBos.Encode("hi", addBos: false).Length + 1, withBos.Encode("hi", addBos: true).Length);
        Assert.False(withoutBos.AddsBos);
        Assert.Null(withoutBos.BosId);
        Assert.Equal(withoutBos.Encode("hi", addBos: false), withoutBos.Encode("hi", addBos: true));
        Assert.Equal(withoutBos.SpecialTokens["<|im_end|>"], withoutBos.EosId);
    }

    [Fact]
    public void Counts_added_tokens_in_the_vocabulary_size()
    {
        using var folder = new TempFolder();
        var tokenizer = Load(folder, new());

        Assert.Equal(tokenizer.SpecialTokens.Values.Max() + 1, tokenizer.VocabSize);
        Assert.Equal(256 + 7 + 8, tokenizer.VocabSize);
    }
}
