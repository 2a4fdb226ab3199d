using DomainAssistant.Model.Tests.Support;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Model.Tests.Tokenization;

public class StreamingDecoderTests
{
    internal static List<string> Stream(ModelTokenizer tokenizer, IEnumerable<int> ids)
    {
        var decoder = tokenizer.CreateStreamingDecoder();
        var pieces = ids.Select(decoder.Add).ToList();
        pieces.Add(decoder.Flush());
        return pieces;
    }

    internal static ModelTokenizer TinyLlama2c(TempFolder folder) =>
        TokenizerLoader.Load(folder.Write("tokenizer.bin", TokenizerFixtures.Llama2cTokenizerBin(
            (" ", 0), ("t", -1), ("h", -2), ("e", -3), ("a", -4), (" t", -5), ("he", -6), (" the", -7), (" a", -8), ("é", -9))));

    internal static ModelTokenizer TinyByteLevel(TempFolder folder)
    {
        folder.Write("tokenizer.json", TokenizerFixtures.ByteLevelTokenizerJson());
        return TokenizerLoader.Load(folder.Path);
    }

    [Fact]
    public void Holds_back_byte_fallbacks_until_the_character_is_complete()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyLlama2c(folder);
        var ids = tokenizer.Encode("a€ the", addBos: true);   // € is no piece: <0xE2> <0x82> <0xAC>
        var euro = Array.IndexOf(ids, 0xE2 + 3);

        var pieces = Stream(tokenizer, ids);

        Assert.Equal(["", "", "€"], pieces.Skip(euro).Take(3));
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Equal("a€ the", string.Concat(pieces));
    }

    [Fact]
    public void Holds_back_a_byte_level_token_that_ends_inside_a_character()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyByteLevel(folder);
        var ids = tokenizer.Encode("中", addBos: false);   // "ä¸" carries two of the three bytes

        var pieces = Stream(tokenizer, ids);

        Assert.Equal(2, ids.Length);
        Assert.Equal(["", "中", ""], pieces);
    }

    [Fact]
    public void Drops_only_the_first_words_dummy_prefix_space()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyLlama2c(folder);
        var ids = tokenizer.Encode("the a the", addBos: true);

        var pieces = Stream(tokenizer, ids);

        Assert.Equal(["", "the", " a", " the", ""], pieces);
    }

    [Fact]
    public void Concatenates_to_Decode_less_its_replacement_characters_for_any_id_sequence()
    {
        using var spFolder = new TempFolder();
        using var bpeFolder = new TempFolder();
        var random = new Random(11);
        foreach (var tokenizer in new[] { TinyLlama2c(spFolder), TinyByteLevel(bpeFolder) })
        {
            for (var n = 0; n < 300; n++)
            {
                // Ids from the whole vocabulary: specials, byte fallbacks and broken UTF-8 included. Neither vocabulary
                // holds a real U+FFFD, so every one Decode shows stands for bytes that never formed a character. A word
                // comes first, as the prompt does in generation: SentencePiece keeps the space of a first word that
                // follows byte pieces, which dropped broken bytes no longer precede.
                List<int> ids = [.. tokenizer.Encode("a", addBos: false), .. Enumerable.Range(0, random.Next(1, 25)).Select(_ => random.Next(-1, tokenizer.VocabSize + 1))];
                var pieces = Stream(tokenizer, ids);
                Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
                Assert.Equal(tokenizer.Decode(ids).Replace("\uFFFD", "", StringComparison.Ordinal), string.Concat(pieces));
            }
        }
    }

    [Stories260KFact]
    public void Streams_the_reference_story_as_llama2c_printed_it()
    {
        var tokenizer = TokenizerLoader.Load(SharedModels.Tok512Bin);
        var story = "Once upon a time, there was a little girl named Lily. Café au lait — 5€ 🐱!\n\"Yes,\" she said.";
        var ids = tokenizer.Encode(story, addBos: true).Append(tokenizer.EosId!.Value);

        var pieces = Stream(tokenizer, ids);

        Assert.Equal(story, string.Concat(pieces));
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
    }
}
