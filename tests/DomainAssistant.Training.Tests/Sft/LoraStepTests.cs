using DomainAssistant.Model;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Tests.Support;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Tests.Sft;

/// <summary>LoRA training steps on a tiny model: where learning happens, and that it happens.</summary>
public sealed class LoraStepTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    const string Adapter = "test";

    [Fact]
    public void One_sft_step_changes_only_lora_parameters()
    {
        using var folder = new TinyModelFolder(tokenizer);
        using var data = new TempFolder();
        using var loaded = PretrainedModel.Load(folder.Path);
        var model = loaded.Model;
        var batch = Batches(loaded, QuestionAnswers.Write(data, "qa.jsonl", 16))[0];
        var baseBefore = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        model.AddAdapter(Adapter, new Model.Lora.LoraConfig { R = 4, LoraAlpha = 8, TargetModules = Model.Lora.LoraTargets.AllLinear }, seed: 1);
        var loraBefore = model.AdapterParameters(Adapter).ToDictionary(p => p.Key, p => p.Parameter.detach().clone());
        using var weights = TrainableWeights.Create(model.AdapterParameters(Adapter), (_, _) => true);
        using var optimizer = new AdamW(weights.Weights, new AdamWOptions(WeightDecay: 0));

        model.train();
        TrainingStep.Take(model, Adapter, [batch], weights, optimizer, 1e-2, 1.0, 1);

        foreach (var (name, parameter) in model.named_parameters())
            Assert.True(parameter.detach().allclose(baseBefore[name], 0, 0), $"base weight {name} changed");
        var changed = model.AdapterParameters(Adapter).Where(p => !p.Parameter.detach().allclose(loraBefore[p.Key], 0, 0)).Select(p => p.Key).ToList();
        // lora_B starts at zero, so the first step moves every B; A's gradient is B^T(...) = 0 until B has moved.
        Assert.All(model.AdapterParameters(Adapter).Where(p => p.Key.EndsWith("lora_B.weight", StringComparison.Ordinal)), p => Assert.Contains(p.Key, changed));
        Assert.Equal(model.Adapters.Layers.Count, changed.Count);
    }

    [Fact]
    public void A_few_steps_lower_the_training_loss()
    {
        using var folder = new TinyModelFolder(tokenizer);
        using var data = new TempFolder();
        using var loaded = PretrainedModel.Load(folder.Path);
        var model = loaded.Model;
        var batches = Batches(loaded, QuestionAnswers.Write(data, "qa.jsonl", 32));
        model.AddAdapter(Adapter, new Model.Lora.LoraConfig { R = 8, LoraAlpha = 16, TargetModules = Model.Lora.LoraTargets.AllLinear }, seed: 1);
        using var weights = TrainableWeights.Create(model.AdapterParameters(Adapter), (_, _) => true);
        using var optimizer = new AdamW(weights.Weights, new AdamWOptions(WeightDecay: 0));
        model.train();

        var losses = Enumerable.Range(1, 8).Select(step => TrainingStep.Take(model, Adapter, batches, weights, optimizer, 1e-2, 1.0, step).Loss).ToList();

        Assert.True(losses[^1] < losses[0] * 0.8, $"loss went {string.Join(" -> ", losses.Select(l => l.ToString("F3")))}");
    }

    static List<TokenBatch> Batches(PretrainedModel loaded, string path)
    {
        var data = SftData.Load(path, new ExampleEncoder(loaded.Tokenizer));
        var (rows, _) = SequencePacker.Pack(data.Examples, 65);
        return SequencePacker.Batches(rows, 8, 3).ToList();
    }
}
