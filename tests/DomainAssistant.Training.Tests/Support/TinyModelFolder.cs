using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Training.Pretraining;
using DomainAssistant.Training.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Tests.Support;

/// <summary>
/// A randomly initialised tiny Llama (2 layers, hidden 32) saved as a Hugging Face folder beside the shared
/// <see cref="TrainedTokenizer"/>'s files (ChatML special tokens), so trainers load it as they load any base model.
/// </summary>
public sealed class TinyModelFolder : IDisposable
{
    readonly TempFolder _folder = new();

    public TinyModelFolder(TrainedTokenizer tokenizer, int seed = 3)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Config = Shape(tokenizer.Vocabulary.Count);
        using var model = LlamaForCausalLM.Create(Config);
        ModelInitialisation.Apply(model, (ulong)seed);
        // Unit-scale embeddings: with the default 0.02 the tied head's logits cannot leave +-0.7 whatever the hidden
        // state, so an adapter over this random base could barely lower the loss.
        using (no_grad())
        {
            using var unitScale = (1 / ModelInitialisation.Std).ToScalar();
            model.named_parameters().Single(p => p.name == "model.embed_tokens.weight").parameter.mul_(unitScale);
        }
        var weights = model.state_dict().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        HuggingFaceFolder.Save(Path, Config, weights);
        foreach (var file in Directory.EnumerateFiles(tokenizer.Folder)) File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
    }

    public LlamaConfig Config { get; }

    public string Path => _folder.Path;

    /// <summary>The tiny shape for a vocabulary: hidden 32, 2 layers, 4 heads, 128 positions, tied embeddings.</summary>
    public static LlamaConfig Shape(int vocabSize) => new()
    {
        VocabSize = vocabSize, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 4, MaxPositionEmbeddings = 128, TieWordEmbeddings = true,
        BosTokenId = ChatSpecialTokens.EndOfTextId, EosTokenId = ChatSpecialTokens.ImEndId,
    };

    public void Dispose() => _folder.Dispose();
}
