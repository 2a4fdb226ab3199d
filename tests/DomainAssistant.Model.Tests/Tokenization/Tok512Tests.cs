using System.Text.Json;
using DomainAssistant.Model.Tests.Support;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>The llama2.c tok512 vocabulary, converted to SentencePiece, against llama2.c's own greedy run.</summary>
public class Tok512Tests
{
    sealed record Step(int Token, int Argmax);
    sealed record Case(string Prompt, string PrintedText, IReadOnlyList<Step> Steps);

    static IReadOnlyList<Case> ReferenceCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(SharedModels.GreedyReference));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("prompt").GetString()!,
            c.GetProperty("printed_text").GetString()!,
            [.. c.GetProperty("steps").EnumerateArray().Select(s => new Step(s.GetProperty("token").GetInt32(), s.GetProperty("argmax").GetInt32()))]))];
    }

    [Stories260KFact]
    public void Encodes_the_reference_prompts_to_the_tokens_llama2c_forced()
    {
        var tokenizer = TokenizerLoader.Load(SharedModels.Tok512Bin);
        foreach (var reference in ReferenceCases())
        {
            var ids = tokenizer.Encode(reference.Prompt, addBos: true);

            Assert.Equal(1, ids[0]);
            Assert.Equal(reference.Steps.Take(ids.Length).Select(s => s.Token), ids);
            // Past the prompt llama2.c fed back its own argmax: our prompt must not be shorter than the one it forced.
            for (var pos = ids.Length; pos < reference.Steps.Count; pos++)
                Assert.Equal(reference.Steps[pos - 1].Argmax, reference.Steps[pos].Token);
        }
    }

    [Stories260KFact]
    public void Decodes_the_reference_run_to_the_text_llama2c_printed()
    {
        var tokenizer = TokenizerLoader.Load(SharedModels.Tok512Bin);
        foreach (var reference in ReferenceCases())
        {
            var fed = reference.Steps.Select(s => s.Token).Append(reference.Steps[^1].Argmax).ToList();
            Assert.Equal(reference.PrintedText, tokenizer.Decode(fed));
        }
    }

    [Stories260KFact]
    public void Round_trips_text_including_characters_outside_the_vocabulary()
    {
        var tokenizer = TokenizerLoader.Load(SharedModels.Tok512Bin);
        foreach (var text in new[] { "Once upon a time", "Lily said: \"Hi!\"\nBen  smiled.", "Café 猫 🐱 costs 5€", "  two leading spaces" })
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, addBos: true)));
    }

    [Stories260KFact]
    public void Encodes_any_text_as_llama2c_would()
    {
        var tokenizer = TokenizerLoader.Load(SharedModels.Tok512Bin);
        var oracle = new Llama2cReferenceEncoder(SharedModels.Tok512Bin);
        string[] fragments = ["Once", " upon", " a time", "Lily", " and Ben", " went", " to the park", ".", ",", "!", "\n",
            "  ", " ", "\"", "'s", "Tom's", "123", "3.14", "é", "Café", "猫", "🐱", "€", "™", "\u200a", "—", "<s>", "</s>", "<unk>", "<0x41>", "\t", "~|[]"];
        var random = new Random(260);
        var texts = new List<string> { "", " ", "a", "\n", "Once upon a time", "Lily and Ben went to the park" };
        for (var n = 0; n < 300; n++)
            texts.Add(string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => fragments[random.Next(fragments.Length)])));
        for (var n = 0; n < 100; n++)
            texts.Add(new string([.. Enumerable.Range(0, random.Next(1, 30)).Select(_ => (char)random.Next(32, 127))]));

        foreach (var text in texts)
        {
            Assert.Equal(oracle.Encode(text, bos: true), tokenizer.Encode(text, addBos: true));
            Assert.Equal(oracle.Encode(text, bos: false), tokenizer.Encode(text, addBos: false));
        }
    }

    [Stories260KFact]
    public void Keeps_the_space_of_a_word_that_follows_a_leading_byte_fallback()
    {
        var tokenizer = TokenizerLoader.Load(SharedModels.Tok512Bin);
        var newline = 0x0A + 3;
        var once = tokenizer.Encode("Once", addBos: false).Single();

        // As SentencePiece and llama2.c print it: only a first *word* loses its dummy-prefix space.
        Assert.Equal("\n Once", tokenizer.Decode([1, newline, once]));
        Assert.Equal("Once\n Once", tokenizer.Decode([1, once, newline, once]));
        Assert.Equal("Once", tokenizer.Decode([1, once]));
    }
}
