using DomainAssistant.Model.Tokenization;
using DomainAssistant.Training.Tests.Support;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Training.Tests.Tokenizers;

/// <summary>A trained folder is what the Model project's TokenizerLoader expects of a ChatML byte-level BPE tokenizer.</summary>
public sealed class ModelTokenizerLoadingTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    [Fact]
    public void The_model_loader_reads_bos_eos_vocabulary_size_and_the_chatml_template()
    {
        var loaded = TokenizerLoader.Load(tokenizer.Folder);

        Assert.Equal(ChatSpecialTokens.EndOfTextId, loaded.BosId);
        Assert.Equal(ChatSpecialTokens.ImEndId, loaded.EosId);
        Assert.False(loaded.AddsBos);
        Assert.Equal(TrainedTokenizer.VocabularySize, loaded.VocabSize);
        Assert.Equal("chatml", loaded.ChatTemplate.Name);
        Assert.Contains(ChatSpecialTokens.ImEndId, loaded.ChatTemplate.StopTokenIds);
    }

    [Fact]
    public void The_model_loader_encodes_like_the_library_and_decodes_text_exactly()
    {
        var loaded = TokenizerLoader.Load(tokenizer.Folder);
        const string text = "Résumé: 3 refunds 🙂\n\tand  spaces, 配送 a\u0301";

        var ids = loaded.Encode(text, addBos: false);

        Assert.Equal(tokenizer.Library.EncodeToIds(text), ids);
        Assert.Equal(text, loaded.Decode(ids));
    }

    [Fact]
    public void A_chat_renders_with_the_reserved_turn_tokens()
    {
        var loaded = TokenizerLoader.Load(tokenizer.Folder);

        var ids = loaded.EncodeChat([ChatMessage.User("Where is my refund?")], addGenerationPrompt: true);

        Assert.Equal(ChatSpecialTokens.ImStartId, ids[0]);
        Assert.Equal([ChatSpecialTokens.ImStartId, ChatSpecialTokens.ImEndId, ChatSpecialTokens.ImStartId],
                     ids.Where(id => id < ChatSpecialTokens.All.Count));
    }
}
