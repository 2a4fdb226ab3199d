using DomainAssistant.Model.Tests.Support;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// tokenizer_config.json's clean_up_tokenization_spaces: decoding removes the spaces transformers'
/// <c>clean_up_tokenization</c> removes, and streaming stays exact: its pieces join to Decode of all ids. The real
/// Llama 3 folders are compared with transformers.js in <see cref="HuggingFaceTokenizerReferenceTests"/>.
/// </summary>
public class TokenizationSpaceCleanupTests
{
    [Fact]
    public void Follows_transformers_rules_in_their_order()
    {
        // Expected as Python's chain of str.replace in PreTrainedTokenizerBase.clean_up_tokenization gives it.
        Assert.Equal(
            "Hello, world. Is it? Yes! I'm sure they've said we're fine, it's true. He don't know'hi'x",
            TokenizationSpaceCleanup.Apply("Hello , world . Is it ? Yes ! I 'm sure they 've said we 're fine , it 's true . He do n't know ' hi ' x"));
        // A run of spaces loses only the last before the mark; " ' " goes first, which can make a " 's" for a later rule.
        Assert.Equal("a .", TokenizationSpaceCleanup.Apply("a  ."));
        Assert.Equal("a's", TokenizationSpaceCleanup.Apply("a  ' s"));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("Hello", 5)]
    [InlineData("Hello w", 5)]
    [InlineData("Hello wor", 9)]
    [InlineData("a ' b", 1)]
    [InlineData(" ", 0)]
    public void Settles_text_only_three_characters_past_its_last_space(string text, int settled) =>
        Assert.Equal(settled, TokenizationSpaceCleanup.SettledLength(text));

    static ModelTokenizer ByteLevel(TempFolder folder, bool cleanUp)
    {
        folder.Write("tokenizer.json", TokenizerFixtures.ByteLevelTokenizerJson());
        folder.Write("tokenizer_config.json", $$"""{"clean_up_tokenization_spaces": {{(cleanUp ? "true" : "false")}}}""");
        return TokenizerLoader.Load(folder.Path);
    }

    [Fact]
    public void Decodes_with_the_clean_up_only_where_the_config_says_true()
    {
        using var on = new TempFolder();
        using var off = new TempFolder();
        const string text = "Hi , it 's done .";

        Assert.Equal("Hi, it's done.", ByteLevel(on, cleanUp: true).Decode(ByteLevel(on, cleanUp: true).Encode(text, addBos: false)));
        Assert.Equal(text, ByteLevel(off, cleanUp: false).Decode(ByteLevel(off, cleanUp: false).Encode(text, addBos: false)));
    }

    [Fact]
    public void Streams_pieces_that_join_to_the_cleaned_decoding_whatever_the_text()
    {
        using var folder = new TempFolder();
        var tokenizer = ByteLevel(folder, cleanUp: true);
        // Texts dense in the patterns and their prefixes, so matches fall across every token boundary.
        var random = new Random(21);
        const string alphabet = "  .?!,'ntmsvrexé€";
        for (var trial = 0; trial < 300; trial++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            var ids = tokenizer.Encode(text, addBos: false);
            var streamed = string.Concat(StreamingDecoderTests.Stream(tokenizer, ids));
            Assert.Equal(tokenizer.Decode(ids), streamed);
            Assert.Equal(TokenizationSpaceCleanup.Apply(text), streamed);
        }
    }

    [Fact]
    public void Holds_a_space_back_until_it_cannot_start_a_pattern()
    {
        using var folder = new TempFolder();
        var tokenizer = ByteLevel(folder, cleanUp: true);
        var pieces = StreamingDecoderTests.Stream(tokenizer, tokenizer.Encode("ab c.", addBos: false));

        // Ids a, b, " ", c, ".": " c" is held (it could have begun " 's"), and so is " c." until the stream ends, since
        // another character could still follow; Decode of the whole removes nothing there either.
        Assert.Equal(["a", "b", "", "", "", " c."], pieces);
    }
}
