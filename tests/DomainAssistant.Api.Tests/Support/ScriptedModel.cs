using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Model.Tokenization.HuggingFace;
using DomainAssistant.Training.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Api.Tests.Support;

/// <summary>
/// A real (tiny) Hugging Face Llama folder whose weights are set so that, after any chat prompt, it answers its
/// script (<see cref="Answer"/>, or <see cref="FlawedAnswer"/>'s ids) and stops: the layers add nothing to the residual (o_proj and down_proj are zero), so the
/// logits depend only on the last token, and lm_head maps each token of the script to the next one. Everything runs
/// through the real loader, tokenizer, engine and sampler; only the weights are chosen rather than trained. Two PEFT
/// adapters ("sft" and "candidate") are saved beside it. Each script is built once per test run, all on one
/// tokenizer trained on the fernbrook corpus.
/// </summary>
public sealed class ScriptedModel
{
    /// <summary>What <see cref="Instance"/> says; it cites context chunk [1].</summary>
    public const string Answer = "Tuesday is collection day [1].";

    /// <summary>
    /// What <see cref="Flawed"/> shows: it cites a chunk [9] the prompt does not have, and between its first two words
    /// it emits the lone byte 0xE2 (the start of "€" or "–" that a small model fails to finish), which is dropped.
    /// </summary>
    public const string FlawedAnswer = "Tuesday is collection day [9].";

    /// <summary>
    /// What <see cref="Hostile"/> says: a tag that a page inserting the answer as HTML would turn into an element (a
    /// script-running payload repeats tokens, which a script of distinct tokens cannot say), and a citation of chunk [1].
    /// </summary>
    public const string HostileAnswer = "<i>Tuesday [1]";

    static readonly TempFolder Scratch = new(); // lives as long as the test process
    static readonly Lazy<BpeVocabulary> SharedVocabulary = new(() =>
    {
        var corpus = Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Domain("fernbrook-recycling"), "corpus")).Order().Select(File.ReadAllText);
        return new BpeTrainer(new BpeTrainerOptions { VocabularySize = 600 }).Train(corpus);
    });
    static readonly Lazy<ScriptedModel> Shared = new(() => new ScriptedModel("scripted", (_, tokenizer) => tokenizer.Encode(Answer, addBos: false)));
    static readonly Lazy<ScriptedModel> SharedFlawed = new(() => new ScriptedModel("flawed", (vocabulary, tokenizer) =>
    [
        .. tokenizer.Encode("Tuesday", addBos: false),
        vocabulary.IdOf(ByteLevelAlphabet.Encode([0xE2])),
        .. tokenizer.Encode(FlawedAnswer["Tuesday".Length..], addBos: false),
    ]));

    static readonly Lazy<ScriptedModel> SharedHostile = new(() => new ScriptedModel("hostile", (_, tokenizer) => tokenizer.Encode(HostileAnswer, addBos: false)));

    /// <param name="name">Its folder under the scratch folder.</param>
    /// <param name="answer">The ids it answers with, given the vocabulary and the tokenizer loaded from it.</param>
    ScriptedModel(string name, Func<BpeVocabulary, ModelTokenizer, IReadOnlyList<int>> answer)
    {
        _root = Path.Combine(Scratch.Path, name);
        ModelFolder = Path.Combine(_root, "model");
        HuggingFaceTokenizerFolder.Save(SharedVocabulary.Value, ModelFolder, modelMaxLength: 2048);
        var tokenizer = TokenizerLoader.Load(ModelFolder);
        var config = new LlamaConfig
        {
            VocabSize = tokenizer.VocabSize, HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 1, NumAttentionHeads = 4,
            NumKeyValueHeads = 4, MaxPositionEmbeddings = 2048, TieWordEmbeddings = false,
            BosTokenId = tokenizer.BosId ?? 0, EosTokenId = tokenizer.EosId ?? 2,
        };
        HuggingFaceFolder.Save(ModelFolder, config, Weights(config, Script(tokenizer, answer(SharedVocabulary.Value, tokenizer))));
        Adapters = new Dictionary<string, string> { ["sft"] = SaveAdapter("sft", 1), ["candidate"] = SaveAdapter("candidate", 2) };
    }

    readonly string _root;

    public static ScriptedModel Instance => Shared.Value;

    /// <summary>A model that answers <see cref="FlawedAnswer"/>, a broken UTF-8 byte included.</summary>
    public static ScriptedModel Flawed => SharedFlawed.Value;

    /// <summary>A model that answers <see cref="HostileAnswer"/>.</summary>
    public static ScriptedModel Hostile => SharedHostile.Value;

    /// <summary>The model folder (config, weights and tokenizer files).</summary>
    public string ModelFolder { get; }

    /// <summary>PEFT adapter folders by name.</summary>
    public IReadOnlyDictionary<string, string> Adapters { get; }

    /// <summary>(token, next) pairs: the generation prompt's last token, then each answer token, then end of turn.</summary>
    static List<(int From, int To)> Script(ModelTokenizer tokenizer, IReadOnlyList<int> answer)
    {
        var start = tokenizer.EncodeChat([ChatMessage.User("any question")], addGenerationPrompt: true)[^1];
        var chain = new List<int> { start };
        chain.AddRange(answer);
        chain.Add(tokenizer.EosId ?? throw new InvalidOperationException("the tokenizer has no EOS"));
        if (chain.Take(chain.Count - 1).Distinct().Count() != chain.Count - 1)
            throw new InvalidOperationException($"the scripted answer's tokens must be distinct (and differ from the prompt's last token): {string.Join(",", chain)}");
        return [.. chain.Zip(chain.Skip(1))];
    }

    static Dictionary<string, Tensor> Weights(LlamaConfig config, List<(int From, int To)> script)
    {
        using var generator = new Generator(1234, CPU);
        using var spread = 0.1f.ToScalar();
        using var scriptWeight = 10f.ToScalar();
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var expected in new LlamaWeightLayout(config).Weights)
        {
            var shape = expected.Shape.ToArray();
            weights[expected.Name] = expected.Name switch
            {
                _ when expected.Name.EndsWith("norm.weight", StringComparison.Ordinal) => ones(shape),
                _ when expected.Name.EndsWith("o_proj.weight", StringComparison.Ordinal) || expected.Name.EndsWith("down_proj.weight", StringComparison.Ordinal) => zeros(shape),
                "lm_head.weight" => zeros(shape),
                _ => randn(shape, generator: generator).mul(spread),
            };
        }
        // Unit-length embeddings: after the final RMSNorm the last token's state is sqrt(d) times its embedding.
        var embeddings = randn(config.VocabSize, config.HiddenSize, generator: generator);
        embeddings = embeddings.div(embeddings.norm(1, keepdim: true));
        weights["model.embed_tokens.weight"] = embeddings;
        foreach (var (from, to) in script) weights["lm_head.weight"][to].add_(embeddings[from], scriptWeight);
        return weights;
    }

    string SaveAdapter(string name, long seed)
    {
        using var model = PretrainedModel.Load(ModelFolder);
        model.Model.AddAdapter(name, new LoraConfig { R = 4, LoraAlpha = 8, TargetModules = LoraTargets.Of("q_proj", "v_proj") }, seed);
        var folder = Path.Combine(_root, "adapters", name);
        PeftAdapter.Save(folder, model.Model, name);
        return folder;
    }
}
