using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Training.Tokenizers;
using static TorchSharp.torch;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// A real, tiny, randomly initialised Hugging Face Llama folder (tokenizer trained on the sample domain's corpus), so the
/// host starts its model as it would in production; the upload tests never ask it anything.
/// </summary>
public static class TinyModel
{
    public static void Save(string folder, string corpusFolder)
    {
        var corpus = Directory.EnumerateFiles(corpusFolder).Order(StringComparer.Ordinal).Select(File.ReadAllText);
        HuggingFaceTokenizerFolder.Save(new BpeTrainer(new BpeTrainerOptions { VocabularySize = 400 }).Train(corpus), folder);
        var tokenizer = TokenizerLoader.Load(folder);
        var config = new LlamaConfig
        {
            VocabSize = tokenizer.VocabSize, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 1, NumAttentionHeads = 2,
            NumKeyValueHeads = 2, MaxPositionEmbeddings = 1024, BosTokenId = tokenizer.BosId ?? 0, EosTokenId = tokenizer.EosId ?? 2,
        };
        using var scope = NewDisposeScope();
        using var generator = new Generator(7, CPU);
        var weights = new LlamaWeightLayout(config).Weights.ToDictionary(
            w => w.Name,
            w => w.Name.EndsWith("norm.weight", StringComparison.Ordinal) ? ones([.. w.Shape]) : randn([.. w.Shape], generator: generator) * 0.02f,
            StringComparer.Ordinal);
        HuggingFaceFolder.Save(folder, config, weights);
    }
}
