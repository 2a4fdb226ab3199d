using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// Streaming drops the bytes that can never form a character, and only those: not a real U+FFFD written in the
/// text, not a character whose bytes a special token sits between (Decode joins them).
/// </summary>
public class BrokenCharacterStreamingTests
{
    [Fact]
    public void SentencePiece_byte_fallbacks_that_a_word_interrupts_are_dropped()
    {
        using var folder = new TempFolder();
        var tokenizer = StreamingDecoderTests.TinyLlama2c(folder);
        var ids = tokenizer.Encode("a the", addBos: true).ToList();
        ids.InsertRange(ids.Count - 1, [0xE2 + 3, 0x82 + 3]); // <0xE2> <0x82>: two thirds of "€", then " the"

        var pieces = StreamingDecoderTests.Stream(tokenizer, ids);

        Assert.Contains('\uFFFD', tokenizer.Decode(ids));
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Equal("a the", string.Concat(pieces));
    }

    [Fact]
    public void A_replacement_character_written_in_the_text_is_kept()
    {
        using var folder = new TempFolder();
        var tokenizer = StreamingDecoderTests.TinyByteLevel(folder);
        const string text = "a\uFFFDb \uFFFD";   // its bytes EF BF BD are a whole character

        var pieces = StreamingDecoderTests.Stream(tokenizer, tokenizer.Encode(text, addBos: false));

        Assert.Equal(text, string.Concat(pieces));
    }

    [Fact]
    public void A_special_token_between_the_bytes_of_a_character_leaves_it_whole()
    {
        using var folder = new TempFolder();
        var tokenizer = StreamingDecoderTests.TinyByteLevel(folder);
        int[] ids = ['a', 0xE2, tokenizer.SpecialTokens["<|im_start|>"], 0x82, 0xAC]; // byte b has id b in this vocabulary

        var pieces = StreamingDecoderTests.Stream(tokenizer, ids);

        Assert.Equal("a€", tokenizer.Decode(ids));
        Assert.Equal("a€", string.Concat(pieces));
        Assert.Equal(["a", "", "", "", "€", ""], pieces);
    }
}
