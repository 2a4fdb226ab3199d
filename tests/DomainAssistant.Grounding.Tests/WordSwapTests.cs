namespace DomainAssistant.Grounding.Tests;

/// <summary>Specifies how drills change words: one mapping for everything it is applied to, content words only, case kept.</summary>
public sealed class WordSwapTests
{
    static readonly string[] Vocabulary = ["kettle", "garden", "window"];

    [Fact]
    public void A_word_maps_the_same_everywhere_it_is_applied_and_keeps_its_capital()
    {
        var swap = new WordSwap(Vocabulary, rate: 1, new Random(4));

        var first = swap.Apply("The battery charges overnight.");
        var second = swap.Apply("Battery levels: charges at 09:00 with SM-5.");

        var words = first.TrimEnd('.').Split(' ');
        Assert.Equal("The", words[0]);
        Assert.All(words.Skip(1), w => Assert.Contains(w.ToLowerInvariant(), Vocabulary));
        Assert.StartsWith(char.ToUpperInvariant(words[1][0]) + words[1][1..] + " ", second, StringComparison.Ordinal);
        Assert.Contains($" {words[2]} at 09:00 with SM-5.", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Rate_zero_changes_nothing_and_function_words_short_words_and_codes_are_never_changed()
    {
        const string text = "Tell me what the Hub H8 does with that E104 code, and when.";

        Assert.Equal(text, new WordSwap(Vocabulary, rate: 0, new Random(1)).Apply(text));
        var swapped = new WordSwap(Vocabulary, rate: 1, new Random(1)).Apply(text);
        Assert.Matches(@"^\w+ me what the Hub H8 \w+ with that E104 \w+, and when\.$", swapped);
        Assert.DoesNotContain("Tell", swapped, StringComparison.Ordinal);
    }

    [Fact]
    public void The_vocabulary_is_the_distinct_lower_case_content_words_in_order()
    {
        Assert.Equal(["battery", "charges", "mode"], WordSwap.VocabularyOf(["The Battery charges.", "battery MODE with 4 kW"]));
    }
}
