using System.Text.Json;
using DomainAssistant.Alignment.Lineage;
using DomainAssistant.Alignment.Preferences;
using DomainAssistant.Alignment.RewardModeling;
using DomainAssistant.Alignment.Rloo;
using DomainAssistant.Alignment.Tests.Support;
using DomainAssistant.Model;
using DomainAssistant.Model.Lora;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training;
using DomainAssistant.Training.Tests.Support;
using static DomainAssistant.Alignment.Tests.Cli.CommandRunner;

namespace DomainAssistant.Alignment.Tests.Rloo;

/// <summary>RLOO end to end on a tiny random model: reward model, sampling, optimisation, output, lineage, --json.</summary>
public sealed class RlooTrainerTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    static readonly RlooOptions Fast = new()
    {
        SamplesPerPrompt = 3, PromptsPerIteration = 4, Iterations = 2, InnerEpochs = 2, MiniBatch = 6, MaxNewTokens = 8, MaxLength = 64, Rank = 4,
        LearningRate = 5e-3, EvalSamples = 2, DecodeBatch = 8,
    };

    [Fact]
    public void Only_the_policy_adapter_changes_and_the_lineage_names_base_reward_model_and_prompts()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var rewardModel = TrainRewardModel(model, work);
        var prompts = WritePrompts(work);
        var output = Path.Combine(work.Path, "rl");

        var summary = Train(new RlooTrainer(Fast), model.Path, rewardModel, prompts, output);

        Assert.Equal((StopReason.Schedule, 2L, 8L), (summary.StopReason, summary.Iterations, summary.OptimizerSteps)); // 2 × 2 epochs × ⌈12/6⌉
        Assert.Equal((8, 2, 3), (summary.Prompts, summary.HeldoutPrompts, summary.SamplesPerPrompt));
        Assert.True(double.IsFinite(summary.RewardBefore) && double.IsFinite(summary.RewardAfter) && summary.Kl >= -1e-3, $"{summary}");
        Assert.True(summary.TokensPerSecond > 0 && summary.GenerationSeconds > 0 && summary.OptimisationSeconds > 0);
        var record = LineageRecord.Read(output);
        var lineage = record.DetailsAs<AlignmentLineage>();
        Assert.Equal((ArtifactKind.Adapter, summary.AdapterSha256, "lora-rloo"), (record.Kind, record.Sha256, lineage.Method));
        Assert.Contains(record.Parents, p => p.Kind == ArtifactKind.RewardModel && p.Sha256 == lineage.RewardModel!.Sha256);
        Assert.Equal(RewardModelFolder.ReadConfig(rewardModel).Checksum, lineage.RewardModel!.Sha256);
        Assert.NotNull(lineage.Prompts);

        // The adapter is the only thing written, and it moved away from a fresh LoRA's zero B.
        using var loaded = PretrainedModel.Load(model.Path);
        PeftAdapter.Load(output, loaded.Model, "rl");
        Assert.Contains(loaded.Model.AdapterParameters("rl"), p => p.Key.EndsWith("lora_B.weight", StringComparison.Ordinal) && p.Parameter.abs().max().item<float>() > 0);
    }

    [Fact]
    public async Task Rl_with_json_ends_stdout_with_the_contracted_fields()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var rewardModel = TrainRewardModel(model, work);
        var output = Path.Combine(work.Path, "rl");

        var result = await Run("align", "rl", "--model", model.Path, "--reward-model", rewardModel, "--prompts", WritePrompts(work), "--out", output,
            "--samples", "2", "--iterations", "1", "--prompts-per-iteration", "2", "--max-new-tokens", "6", "--max-length", "64", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var summary = LastLine(result.Output);
        foreach (var field in new[] { "reward_before", "reward_after", "kl", "tokens_per_second" }) Assert.Equal(JsonValueKind.Number, summary.GetProperty(field).ValueKind);
        Assert.Equal(8, summary.GetProperty("prompts").GetInt32());
        Assert.Equal(2, summary.GetProperty("samples_per_prompt").GetInt32());
        Assert.Equal(Path.GetFullPath(output), summary.GetProperty("output").GetString());
        var generated = await Run("generate", "--model", model.Path, "--adapter", output, "--prompt", "Where", "--max-tokens", "4", "--temperature", "0");
        Assert.True(generated.ExitCode == 0, generated.Error);
    }

    [Fact]
    public void A_run_stopped_after_an_iteration_resumes_at_the_next_one()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var rewardModel = TrainRewardModel(model, work);
        var prompts = WritePrompts(work);
        var output = Path.Combine(work.Path, "rl");
        using var stop = new CancellationTokenSource();
        var stopAfterOne = new StepReporter(e => { if (e.Phase == DomainAssistant.Training.Progress.TrainingPhase.Step && e.Step == 1) stop.Cancel(); });

        var first = Train(new RlooTrainer(Fast, stopAfterOne), model.Path, rewardModel, prompts, output, stop.Token);
        var second = Train(new RlooTrainer(Fast), model.Path, rewardModel, prompts, output);

        Assert.Equal((StopReason.Cancelled, 1L, false), (first.StopReason, first.Iterations, first.Resumed));
        Assert.Equal((StopReason.Schedule, 2L, true), (second.StopReason, second.Iterations, second.Resumed));
        Assert.Equal(8L, second.OptimizerSteps); // the optimizer's step count came back with its moments
    }

    /// <summary>Reports synchronously on the trainer's thread.</summary>
    sealed class StepReporter(Action<DomainAssistant.Training.Progress.TrainingEvent> report) : IProgress<DomainAssistant.Training.Progress.TrainingEvent>
    {
        public void Report(DomainAssistant.Training.Progress.TrainingEvent value) => report(value);
    }

    static string TrainRewardModel(TinyModelFolder model, TempFolder work)
    {
        var output = Path.Combine(work.Path, "rm");
        var options = new RewardModelOptions { Epochs = 1, MaxLength = 64, Rank = 4 };
        using var inputs = FeedbackInputs.Load(model.Path, null, SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 12), null, options.Preferences);
        new RewardModelTrainer(options).Run(inputs.Start, inputs.Feedback, inputs.HeldOut, output);
        return output;
    }

    /// <summary>Loads as `da align rl` does (fresh LoRA over the base) and trains.</summary>
    static RlooSummary Train(RlooTrainer trainer, string modelPath, string rewardModel, string prompts, string output, CancellationToken cancellation = default)
    {
        using var inputs = RlooInputs.Load(modelPath, null, rewardModel, prompts);
        return trainer.Run(inputs.Start, inputs.RewardModel, inputs.Prompts, output, cancellation: cancellation);
    }

    static string WritePrompts(TempFolder work) =>
        work.File("prompts.jsonl", string.Join('\n', SyntheticFeedback.Prompts(10).Select((p, i) =>
            i % 2 == 0 ? JsonSerializer.Serialize(new { prompt = p, chunks = 2 }) : JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = p } } }))));
}
