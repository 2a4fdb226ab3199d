namespace DomainAssistant.Grounding.Tests;

/// <summary>
/// Specifies the text units grounded data is made of: a Markdown document's sentences (prose split at sentence ends,
/// each list item one sentence without its marker; headings, table rows and fences skipped), the key facts (numbers
/// and codes) of a text, normalised wording and word-overlap F1.
/// </summary>
public sealed class TextUnitsTests
{
    [Fact]
    public void Sentences_of_markdown_are_its_prose_sentences_and_list_items_without_headings_tables_or_markers()
    {
        const string markdown = """
            # Cell 10 Specifications

            The Cell 10 stores 10.2 kWh. It weighs 98 kg! Is it heavy? Two people lift it.

            ## Dimensions
            - Height: 1,050 mm
            * Width: 600 mm
            + Depth: 250 mm
            1. Turn the DC isolator to OFF.
            2) Wait 2 minutes.
            Use e.g. the app to restart. Version 2.1 fixes it.

            | Price | €2,190 |
            |---|---|
            ```
            """;

        Assert.Equal(
            [
                "The Cell 10 stores 10.2 kWh.", "It weighs 98 kg!", "Is it heavy?", "Two people lift it.",
                "Height: 1,050 mm", "Width: 600 mm", "Depth: 250 mm", "Turn the DC isolator to OFF.", "Wait 2 minutes.",
                "Use e.g. the app to restart.", "Version 2.1 fixes it.",
            ],
            TextUnits.Sentences(markdown));
    }

    [Fact]
    public void A_sentence_end_needs_a_capital_digit_quote_or_bracket_after_it()
    {
        Assert.Equal(["Call us, i.e. the support line. then wait."], TextUnits.Sentences("Call us, i.e. the support line. then wait."));
        Assert.Equal(["It stops.", "(It restarts later) \"Done\" shows.", "3 lights blink.", "\"OK\" appears."],
            TextUnits.Sentences("It stops. (It restarts later) \"Done\" shows. 3 lights blink. \"OK\" appears."));
    }

    [Fact]
    public void Key_facts_are_the_numbers_and_codes_with_their_inner_separators_and_without_trailing_punctuation()
    {
        Assert.Equal(["0800", "555", "0142", "08:00", "E104", "SM-5", "2,890", "2.1", "Settings/3"],
            TextUnits.KeyFacts("Call 0800 555 0142 from 08:00, quote E104 and SM-5; it costs €2,890. Version 2.1. Open Settings/3. E104 again."));
        Assert.Empty(TextUnits.KeyFacts("Open Settings > System > Restart system."));
    }

    [Fact]
    public void Wordings_compare_normalised_and_overlap_is_SQuAD_F1()
    {
        Assert.Equal("self use is the default mode", TextUnits.Normalise("  Self-Use is the DEFAULT mode. "));
        Assert.Equal(["self", "use"], TextUnits.Words("Self-Use!"));
        Assert.Equal(1.0, TextUnits.OverlapF1("Self-Use is the default mode.", "self use is the default MODE"));
        Assert.Equal(0.0, TextUnits.OverlapF1("Self-Use mode", "grid share"));
        Assert.Equal(0.0, TextUnits.OverlapF1("", "grid share"));
        // 2 common words of 4 and 2: precision 0.5, recall 1, F1 2/3.
        Assert.Equal(2.0 / 3, TextUnits.OverlapF1("the the hub cell", "the hub"), 12);
    }
}
