using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Model.Tests.Tokenization;

public class EnsureMatchesTests
{
    static readonly LlamaConfig Fitting = new()
    {
        VocabSize = 300, HiddenSize = 8, IntermediateSize = 16, NumHiddenLayers = 1,
        NumAttentionHeads = 2, NumKeyValueHeads = 1, BosTokenId = 1, EosTokenId = 2,
    };

    static ModelTokenizer Tiny(TempFolder folder) =>
        TokenizerLoader.Load(folder.Write("tokenizer.bin", TokenizerFixtures.Llama2cTokenizerBin((" ", 0), ("a", -1))));

    [Fact]
    public void Accepts_a_model_whose_embedding_covers_every_id()
    {
        using var folder = new TempFolder();
        var tokenizer = Tiny(folder);

        tokenizer.EnsureMatches(Fitting);
        tokenizer.EnsureMatches(Fitting with { VocabSize = tokenizer.VocabSize });
    }

    [Fact]
    public void Rejects_a_vocabulary_larger_than_the_model()
    {
        using var folder = new TempFolder();
        var tokenizer = Tiny(folder);

        var error = Assert.Throws<InvalidDataException>(() => tokenizer.EnsureMatches(Fitting with { VocabSize = tokenizer.VocabSize - 1 }));

        Assert.Contains(tokenizer.SourcePath, error.Message);
        Assert.Contains("vocab_size", error.Message);
    }

    [Fact]
    public void Rejects_BOS_or_EOS_ids_that_disagree()
    {
        using var folder = new TempFolder();
        var tokenizer = Tiny(folder);

        Assert.Contains("BOS", Assert.Throws<InvalidDataException>(() => tokenizer.EnsureMatches(Fitting with { BosTokenId = 5 })).Message);
        Assert.Contains("EOS", Assert.Throws<InvalidDataException>(() => tokenizer.EnsureMatches(Fitting with { EosTokenId = 7 })).Message);
        Assert.Contains("outside", Assert.Throws<InvalidDataException>(() => tokenizer.EnsureMatches(Fitting with { EosTokenId = 300 })).Message);
    }

    [Fact]
    public void Accepts_a_config_EOS_that_is_another_special_token()
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer.json", TokenizerFixtures.ByteLevelTokenizerJson());
        folder.Write("tokenizer_config.json", TokenizerFixtures.TokenizerConfig(null, bos: null, eos: "<|eot_id|>"));
        var tokenizer = TokenizerLoader.Load(folder.Path);
        var config = Fitting with { VocabSize = tokenizer.VocabSize, BosTokenId = 0, EosTokenId = tokenizer.SpecialTokens["<|endoftext|>"] };

        tokenizer.EnsureMatches(config);
        Assert.Throws<InvalidDataException>(() => tokenizer.EnsureMatches(config with { EosTokenId = 65 }));
    }
}
