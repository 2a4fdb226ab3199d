using System.Text.Json.Nodes;
using DomainAssistant.Model.Tests.Support;
using DomainAssistant.Model.Tokenization;
using Microsoft.ML.Tokenizers;

namespace DomainAssistant.Model.Tests.Tokenization;

public class TokenizerLoaderTests
{
    static readonly byte[] TinyBin = TokenizerFixtures.Llama2cTokenizerBin((" ", 0), ("a", -1), ("b", -2), (" a", -3), ("ab", -4));

    [Fact]
    public void Converts_llama2c_spaces_to_the_SentencePiece_word_boundary()
    {
        using var folder = new TempFolder();
        var tokenizer = TokenizerLoader.Load(folder.Write("tokenizer.bin", TinyBin));
        var vocabulary = ((SentencePieceTokenizer)tokenizer.Inner).Vocabulary;

        Assert.Contains("▁a", vocabulary.Keys);
        Assert.DoesNotContain(" a", vocabulary.Keys);
        Assert.Equal((1, 2), (tokenizer.BosId, tokenizer.EosId));
        Assert.Equal(new Dictionary<string, int> { ["<unk>"] = 0, ["<s>"] = 1, ["</s>"] = 2 }, tokenizer.SpecialTokens);
        Assert.Equal([1, vocabulary["▁a"], vocabulary["b"]], tokenizer.Encode("ab", addBos: true));
    }

    [Fact]
    public void Writes_a_tokenizer_model_that_encodes_like_the_tokenizer_bin()
    {
        using var folder = new TempFolder();
        var bin = TokenizerLoader.Load(folder.Write("tokenizer.bin", TinyBin));
        folder.Write("tokenizer.model", Llama2cTokenizerConverter.ToSentencePieceModel(folder.File("tokenizer.bin")));
        var model = TokenizerLoader.Load(folder.Path);   // the folder prefers tokenizer.model

        Assert.EndsWith("tokenizer.model", model.SourcePath);
        foreach (var text in new[] { "a b ab", "abba  cab", "ü€ x", "" })
        {
            Assert.Equal(bin.Encode(text, addBos: true), model.Encode(text, addBos: true));
            Assert.Equal(text, model.Decode(model.Encode(text, addBos: true)));
        }
    }

    [Stories260KFact]
    public void Converted_tok512_encodes_the_reference_prompts_like_tok512()
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer.model", Llama2cTokenizerConverter.ToSentencePieceModel(SharedModels.Tok512Bin));
        var model = TokenizerLoader.Load(folder.Path);
        var bin = TokenizerLoader.Load(SharedModels.Tok512Bin);

        foreach (var prompt in new[] { "Once upon a time", "Lily and Ben went to the park", "A cat 🐱 sat.\nThe end" })
            Assert.Equal(bin.Encode(prompt, addBos: true), model.Encode(prompt, addBos: true));
        Assert.Equal(512, model.VocabSize);
    }

    [Fact]
    public void A_tokenizer_model_folder_reads_special_tokens_and_add_bos_from_its_config()
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer.model", Llama2cTokenizerConverter.ToSentencePieceModel(folder.Write("tokenizer.bin", TinyBin)));
        folder.Write("tokenizer_config.json", """{"add_bos_token": false, "bos_token": "<s>", "eos_token": {"content": "</s>"}, "added_tokens_decoder": {"300": {"content": "<pad>", "special": true}}}""");
        var tokenizer = TokenizerLoader.Load(folder.Path);

        Assert.False(tokenizer.AddsBos);
        Assert.Equal(tokenizer.Encode("a", addBos: false), tokenizer.Encode("a", addBos: true));
        Assert.Equal(1, tokenizer.Encode("<s>a", addBos: false)[0]);
        Assert.Equal(300, tokenizer.SpecialTokens["<pad>"]);
        Assert.Equal(301, tokenizer.VocabSize);
        Assert.Equal("a", tokenizer.Decode([1, .. tokenizer.Encode("a", addBos: false), 300, 2]));
    }

    [Fact]
    public void A_truncated_tokenizer_bin_names_the_file_and_the_token()
    {
        using var folder = new TempFolder();
        foreach (var length in new[] { 0, 3, 4 + 5, 4 + 8 + 2, TinyBin.Length - 1 })
        {
            var path = folder.Write($"cut{length}.bin", TinyBin[..length]);
            var error = Assert.Throws<InvalidDataException>(() => TokenizerLoader.Load(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("truncated", error.Message);
        }
    }

    [Fact]
    public void A_tokenizer_bin_with_impossible_lengths_is_rejected()
    {
        using var folder = new TempFolder();
        var badHeader = (byte[])TinyBin.Clone();
        BitConverter.GetBytes(-7).CopyTo(badHeader, 0);
        var badToken = (byte[])TinyBin.Clone();
        BitConverter.GetBytes(1_000_000).CopyTo(badToken, 4 + 4);

        Assert.Contains("max_token_length", Assert.Throws<InvalidDataException>(() => TokenizerLoader.Load(folder.Write("h.bin", badHeader))).Message);
        Assert.Contains("token 0 has length", Assert.Throws<InvalidDataException>(() => TokenizerLoader.Load(folder.Write("t.bin", badToken))).Message);
    }

    [Fact]
    public void A_corrupt_tokenizer_model_names_the_file()
    {
        using var folder = new TempFolder();
        var model = Llama2cTokenizerConverter.ToSentencePieceModel(folder.Write("tokenizer.bin", TinyBin));
        var truncated = folder.Write("cut.model", model[..(model.Length / 2)]);
        var garbage = folder.Write("junk.model", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);

        Assert.Contains(truncated, Assert.Throws<InvalidDataException>(() => TokenizerLoader.Load(truncated)).Message);
        Assert.Contains(garbage, Assert.Throws<InvalidDataException>(() => TokenizerLoader.Load(garbage)).Message);
    }

    [Fact]
    public void A_truncated_tokenizer_json_names_the_file()
    {
        using var folder = new TempFolder();
        var json = TokenizerFixtures.ByteLevelTokenizerJson();
        var path = folder.Write("tokenizer.json", json[..(json.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => TokenizerLoader.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a valid tokenizer.json", error.Message);
    }

    public static TheoryData<string, string> BrokenJson => new()
    {
        { """{"model": {"type": "Unigram", "vocab": []}}""", "only BPE" },
        { """{"model": {"type": "BPE", "merges": []}, "pre_tokenizer": {"type": "ByteLevel"}}""", "'vocab' is missing" },
        { """{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}, "pre_tokenizer": {"type": "ByteLevel"}}""", "ab" },
        { """{"model": {"type": "BPE", "vocab": {"a": 0, "b": 0}, "merges": []}, "pre_tokenizer": {"type": "ByteLevel"}}""", "id 0" },
        { """{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a"]}, "pre_tokenizer": {"type": "ByteLevel"}}""", "not a pair" },
        { """{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "BertPreTokenizer"}}""", "pre-tokenizer 'BertPreTokenizer'" },
        { """{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "normalizer": {"type": "BertNormalizer"}}""", "normalizer 'BertNormalizer'" },
        { """{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "decoder": {"type": "WordPiece"}}""", "decoder 'WordPiece'" },
        { """{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "post_processor": {"type": "RobertaProcessing"}}""", "post-processor 'RobertaProcessing'" },
        { """{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [], "dropout": 0.1}}""", "dropout" },
        { """[1, 2]""", "not a JSON object" },
    };

    [Theory]
    [MemberData(nameof(BrokenJson))]
    public void An_unusable_tokenizer_json_says_what_is_wrong(string json, string problem)
    {
        using var folder = new TempFolder();
        var path = folder.Write("tokenizer.json", json);

        var error = Assert.Throws<InvalidDataException>(() => TokenizerLoader.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_folder_with_tokenizer_json_and_tokenizer_model_loads_tokenizer_json_as_transformers_does()
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer.json", TokenizerFixtures.ByteLevelTokenizerJson());
        folder.Write("tokenizer.model", Llama2cTokenizerConverter.ToSentencePieceModel(folder.Write("tokenizer.bin", TinyBin)));

        Assert.EndsWith("tokenizer.json", TokenizerLoader.Load(folder.Path).SourcePath);
    }

    [Fact]
    public void A_corrupt_tokenizer_config_names_the_file()
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer.json", TokenizerFixtures.ByteLevelTokenizerJson());
        var config = folder.Write("tokenizer_config.json", "{\"chat_template\": ");

        Assert.Contains(config, Assert.Throws<InvalidDataException>(() => TokenizerLoader.Load(folder.Path)).Message);
    }

    [Fact]
    public void A_folder_without_a_tokenizer_is_not_found()
    {
        using var folder = new TempFolder();

        Assert.Throws<FileNotFoundException>(() => TokenizerLoader.Load(folder.Path));
        Assert.Throws<FileNotFoundException>(() => TokenizerLoader.Load(folder.File("missing.bin")));
    }

    [Fact]
    public void Merges_given_as_pairs_may_join_tokens_that_hold_spaces()
    {
        using var folder = new TempFolder();
        var path = folder.Write("tokenizer.json", """
            {"model": {"type": "BPE", "vocab": {"a": 0, " ": 1, "b": 2, "a ": 3, "a b": 4}, "merges": [["a", " "], ["a ", "b"]]}}
            """);

        Assert.Equal([4], TokenizerLoader.Load(path).Encode("a b", addBos: false));
    }
}
