using DomainAssistant.Model.Tokenization;
using DomainAssistant.Model.Tokenization.HuggingFace;
using DomainAssistant.Training.Tests.Support;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Training.Tests.Tokenizers;

/// <summary>
/// A vocabulary trained as the bootstrap trains one, on text with "€", "°C" and "–", streamed through the model's
/// decoder as a chat answer is: its first merge is " \xE2" (a space and the lead byte that "€", "–" and "’" share), so
/// tokens end inside characters, and a small model may follow one with anything. The chat page must never show
/// U+FFFD: a character still arriving is held, bytes that can never form one are dropped.
/// </summary>
public sealed class StreamingDecodeTests : IDisposable
{
    static readonly string[] Sentences =
    [
        "The oven reaches 220 °C in ten minutes – then it costs 3 € an hour.",
        "Water boils at 100 °C – at sea level.",
        "A ticket costs 12 € – or 10 € online.",
        "Keep the fridge below 5 °C and the freezer colder.",
    ];

    readonly TempFolder _folder = new();
    readonly BpeVocabulary _vocabulary;
    readonly ModelTokenizer _tokenizer;

    public StreamingDecodeTests()
    {
        _vocabulary = new BpeTrainer(new BpeTrainerOptions { VocabularySize = 300 }).Train(Enumerable.Repeat(string.Join("\n", Sentences), 5));
        HuggingFaceTokenizerFolder.Save(_vocabulary, _folder.Path);
        _tokenizer = TokenizerLoader.Load(_folder.Path);
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>The learned token for these bytes; the test's premise fails loudly if training did not learn it.</summary>
    int Token(params byte[] bytes)
    {
        var id = _vocabulary.IdOf(ByteLevelAlphabet.Encode(bytes));
        Assert.True(id >= 0, $"the trained vocabulary has no token {Convert.ToHexString(bytes)}");
        return id;
    }

    List<string> Stream(IEnumerable<int> ids)
    {
        var decoder = _tokenizer.CreateStreamingDecoder();
        var pieces = ids.Select(decoder.Add).ToList();
        pieces.Add(decoder.Flush());
        return pieces;
    }

    int[] Words(string text) => _tokenizer.Encode(text, addBos: false);

    [Fact]
    public void Text_whose_characters_span_tokens_streams_whole_holding_each_token_that_ends_inside_one()
    {
        // Training merged " –" and " €" whole; "−" and "€" without a space before them still come in parts:
        // " \xE2" "\x88" "\x92" and "\xE2" "\x82\xAC".
        const string text = "Water boils at 100 °C – freezers run at −18 °C and cost 3€ a day.";
        var ids = Words(text);
        int[] partial = [Token(0x20, 0xE2), Token(0x88), Token(0xE2)];

        var pieces = Stream(ids);

        Assert.Equal(3, ids.Count(partial.Contains));
        Assert.All(ids.Select((id, i) => (id, i)).Where(t => partial.Contains(t.id)), t => Assert.Equal("", pieces[t.i]));
        Assert.Equal(text, string.Concat(pieces));
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
    }

    [Fact]
    public void A_lead_byte_followed_by_a_word_is_dropped_and_the_rest_of_its_token_kept()
    {
        // The model wrote " \xE2" (a space, then the start of "€" or "–") and went on with a word instead.
        List<int> ids = [.. Words("It costs 3"), Token(0x20, 0xE2), .. Words(" an hour.")];

        var pieces = Stream(ids);

        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Equal("It costs 3  an hour.", string.Concat(pieces));
    }

    [Fact]
    public void Continuation_bytes_with_no_lead_before_them_are_dropped()
    {
        // "\x80\x93" ends "–" and "\x82\xAC" ends "€"; after a word they continue nothing.
        List<int> ids = [.. Words("Water boils"), Token(0x80, 0x93), .. Words(" at 100"), Token(0x82, 0xAC), .. Words(" °C.")];

        var pieces = Stream(ids);

        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Equal("Water boils at 100 °C.", string.Concat(pieces));
    }

    [Fact]
    public void A_character_still_open_when_the_answer_ends_is_dropped_by_the_final_flush()
    {
        // The answer stopped (end of turn, token limit) right after " \xC2", the start of "°".
        List<int> ids = [.. Words("Keep it below 5"), Token(0x20, 0xC2)];
        var decoder = _tokenizer.CreateStreamingDecoder();

        var streamed = string.Concat(ids.Select(decoder.Add));
        var last = decoder.Flush();

        Assert.Equal("Keep it below 5", streamed);
        Assert.Equal(" ", last);
    }
}
