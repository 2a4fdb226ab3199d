using System.Text;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Training.Tests.Tokenizers;

/// <summary>Text encoded and decoded by Microsoft.ML.Tokenizers from our saved tokenizer.json comes back exactly.</summary>
public sealed class RoundTripTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    [Theory]
    [InlineData("The assistant answers questions about invoices.")]
    [InlineData("Emoji 🙂👍🏽 and a family 👨‍👩‍👧 with joiners")]
    [InlineData("漢字かな交じり文、中文，한국어")]
    [InlineData("Combining marks: a\u0301 e\u0308 Z\u0335\u0338 and precomposed \u00e9")]
    [InlineData("lines\n\nand\r\nwindows\rlines\n")]
    [InlineData("\ttabs\t\tand    runs   of  spaces   ")]
    [InlineData("   leading and trailing   ")]
    [InlineData("Control \u0000\u0001\u001f\u007f and NBSP\u00a0 and ideographic\u3000space")]
    [InlineData("Words the corpus never saw: xylophone quizzically Ωμέγα")]
    [InlineData("")]
    public void Text_round_trips_exactly_through_the_library(string text) => AssertRoundTrip(text);

    [Fact]
    public void Random_unicode_strings_round_trip_exactly_through_the_library()
    {
        var random = new Random(1234);
        for (var sample = 0; sample < 300; sample++) AssertRoundTrip(RandomScalars(random, random.Next(1, 60)));
    }

    [Fact]
    public void Every_byte_value_reachable_from_text_round_trips()
    {
        // Each scalar below 0x800 covers a distinct one- or two-byte UTF-8 sequence: every lead and continuation byte.
        var text = string.Concat(Enumerable.Range(0, 0x800).Where(c => c is not (>= 0xD800 and <= 0xDFFF)).Select(c => (char)c));
        AssertRoundTrip(text);
    }

    void AssertRoundTrip(string text)
    {
        var ids = tokenizer.Library.EncodeToIds(text);
        Assert.All(ids, id => Assert.InRange(id, 0, TrainedTokenizer.VocabularySize - 1));
        Assert.Equal(text, tokenizer.Library.Decode(ids) ?? "");
    }

    /// <summary>Random Unicode scalar values (no lone surrogates) weighted towards ASCII, whitespace and astral planes.</summary>
    static string RandomScalars(Random random, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var scalar = random.Next(6) switch
            {
                0 => random.Next(0x20, 0x7F),
                1 => " \t\n\r"[random.Next(4)],
                2 => random.Next(0x80, 0x800),
                3 => random.Next(0x800, 0xD800),
                4 => random.Next(0xE000, 0x10000),
                _ => random.Next(0x10000, 0x110000),
            };
            text.Append(new Rune(scalar).ToString());
        }
        return text.ToString();
    }
}
