using DomainAssistant.Model;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Pretraining;
using DomainAssistant.Training.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Tests.Data;

public sealed class ResponseEndTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    [Fact]
    public void Responses_end_with_eos_when_the_head_can_tell_it_apart()
    {
        using var pretrained = Pretrained(duplicateEos: false);

        Assert.Equal(ChatSpecialTokensEos, ResponseEnd.Choose(pretrained));
    }

    [Fact]
    public void Responses_end_with_another_stop_token_when_eos_was_never_learned()
    {
        // As in llama2.c's stories models: the EOS row equals other unused rows (up to noise), BOS ends documents.
        using var pretrained = Pretrained(duplicateEos: true);

        Assert.Equal(0, ResponseEnd.Choose(pretrained));
    }

    const int ChatSpecialTokensEos = 2;

    PretrainedModel Pretrained(bool duplicateEos)
    {
        var model = LlamaForCausalLM.Create(TinyModelFolder.Shape(tokenizer.Vocabulary.Count));
        ModelInitialisation.Apply(model, 9);
        if (duplicateEos)
        {
            using var noGrad = no_grad();
            var embedding = model.named_parameters().Single(p => p.name == "model.embed_tokens.weight").parameter;
            using var nudge = 1e-6.ToScalar();
            embedding[ChatSpecialTokensEos] = embedding[7].add(nudge, TorchScalars.One);
        }
        return new PretrainedModel(model, TokenizerLoader.Load(tokenizer.Folder), new HashSet<int> { ChatSpecialTokensEos, 0 }, "test");
    }
}
