using System.Text.Json;
using DomainAssistant.Model.Tokenization.HuggingFace;
using DomainAssistant.Training.Tests.Support;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Training.Tests.Tokenizers;

public sealed class VocabularyTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    static readonly string Corpus = SampleCorpus.Text(3000);

    [Theory]
    [InlineData(261)]
    [InlineData(300)]
    [InlineData(517)]
    [InlineData(900)]
    public void The_vocabulary_has_exactly_the_requested_size_in_the_file_and_in_the_library(int size)
    {
        using var folder = new TempFolder();
        var vocabulary = new BpeTrainer(new BpeTrainerOptions { VocabularySize = size }).Train([Corpus]);
        HuggingFaceTokenizerFolder.Save(vocabulary, folder.Path);

        Assert.Equal(size, vocabulary.Count);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder.Path, "tokenizer.json")));
        var ids = json.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject().Select(entry => entry.Value.GetInt32()).Order();
        Assert.Equal(Enumerable.Range(0, size), ids);
        Assert.Equal(size, LibraryBpeLoader.Load(folder.Path).Vocabulary.Count);
    }

    [Fact]
    public void A_vocabulary_smaller_than_the_bytes_and_special_tokens_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new BpeTrainer(new BpeTrainerOptions { VocabularySize = 259 }).Train([Corpus]));
        Assert.Contains("at least 260", error.Message);
    }

    [Fact]
    public void Training_stops_short_when_no_pair_reaches_the_minimum_frequency()
    {
        var vocabulary = new BpeTrainer(new BpeTrainerOptions { VocabularySize = 1000, MinPairFrequency = 3 }).Train(["abc abc abc xyz xyz"]);

        Assert.True(vocabulary.Count < 1000);
        Assert.Contains(("a", "b"), vocabulary.Merges);
        Assert.DoesNotContain(vocabulary.Merges, merge => merge.Left.Contains('x') || merge.Right.Contains('x'));
    }

    [Fact]
    public void Special_tokens_sit_at_their_documented_ids_in_the_library()
    {
        var library = tokenizer.Library;
        Assert.Equal(ChatSpecialTokens.EndOfTextId, library.Vocabulary[ChatSpecialTokens.EndOfText]);
        Assert.Equal(ChatSpecialTokens.ImStartId, library.Vocabulary[ChatSpecialTokens.ImStart]);
        Assert.Equal(ChatSpecialTokens.ImEndId, library.Vocabulary[ChatSpecialTokens.ImEnd]);
        Assert.Equal(ChatSpecialTokens.PadId, library.Vocabulary[ChatSpecialTokens.Pad]);
        Assert.Equal(ChatSpecialTokens.All.Select((token, id) => (token, id)), ChatSpecialTokens.All.Select(token => (token, library.SpecialTokens![token])));
    }

    [Fact]
    public void Special_tokens_encode_as_single_tokens_inside_a_chat_turn()
    {
        foreach (var (token, id) in ChatSpecialTokens.All.Select((token, id) => (token, id)))
            Assert.Equal([id], tokenizer.Library.EncodeToIds(token));

        var turn = tokenizer.Library.EncodeToIds("<|im_start|>user\nWhere is my refund?<|im_end|>\n<|im_start|>assistant\n");
        Assert.Equal(ChatSpecialTokens.ImStartId, turn[0]);
        Assert.Equal(2, turn.Count(id => id == ChatSpecialTokens.ImStartId));
        Assert.Equal(1, turn.Count(id => id == ChatSpecialTokens.ImEndId));
        Assert.DoesNotContain(turn, id => id >= ChatSpecialTokens.All.Count && tokenizer.Vocabulary.Tokens[id].Contains('|'));
    }

    [Fact]
    public void Byte_symbols_follow_the_special_tokens_in_byte_order()
    {
        var vocabulary = new BpeTrainer(new BpeTrainerOptions { VocabularySize = 300 }).Train([Corpus]);

        for (var value = 0; value < 256; value++)
            Assert.Equal([(byte)value], ByteLevelAlphabet.Decode(vocabulary.Tokens[ChatSpecialTokens.All.Count + value]));
    }
}
