using DomainAssistant.Alignment.Encoding;
using DomainAssistant.Alignment.Kto;
using DomainAssistant.Alignment.Lineage;
using DomainAssistant.Alignment.Optimization;
using DomainAssistant.Alignment.Policy;
using DomainAssistant.Alignment.Preferences;
using DomainAssistant.Alignment.Tests.Support;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Tests.Support;
using static DomainAssistant.Alignment.Tests.Cli.CommandRunner;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Tests.Kto;

/// <summary>KTO on a tiny random model: where learning happens, that it happens, and that a killed run resumes exactly.</summary>
public sealed class KtoTrainerTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    static readonly KtoOptions Fast = new() { Epochs = 3, BatchRows = 8, LearningRate = 5e-3, MaxLength = 64, Rank = 4, CheckpointEvery = 2, Beta = 0.5 };

    [Fact]
    public void A_step_changes_only_lora_tensors_and_leaves_the_base_bit_identical()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var start = StartingModel.Load(model.Path, null);
        using var policy = new PolicyModel(start, 4, 1, 64, new AdamWOptions(WeightDecay: 0));
        var baseBefore = policy.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var loraBefore = policy.Model.AdapterParameters(PolicyModel.PolicyAdapter).ToDictionary(p => p.Key, p => p.Parameter.detach().clone());
        var votes = SyntheticFeedback.Votes(4);
        using var rows = new SequenceBatch([.. votes.Select(v => policy.Tokens.Join(v.Prompt, v.Response))], policy.Tokens.PadId);
        using var desirable = tensor(votes.Select(v => v.IsUp ? 1f : 0f).ToArray());

        policy.Model.train();
        using (var noGrad = no_grad())
        using (var reference = TokenLogProbs.Sum(policy.Model, policy.Reference, rows))
        using (var current = TokenLogProbs.Sum(policy.Model, PolicyModel.PolicyAdapter, rows))
        {
            Assert.True(current.allclose(reference), "a fresh LoRA (B = 0) starts equal to its reference, the base");
        }
        using (var scope = NewDisposeScope())
        {
            var referenceLogps = TokenLogProbs.Sum(policy.Model, policy.Reference, rows).detach();
            var loss = KtoLoss.Compute(TokenLogProbs.Sum(policy.Model, PolicyModel.PolicyAdapter, rows), referenceLogps, desirable, 0, 0.1, 1, 1);
            LossStep.Take(loss, policy.Weights, policy.Optimizer, 1e-2, 1.0, 1);
        }

        foreach (var (name, parameter) in policy.Model.named_parameters())
            Assert.True(parameter.detach().allclose(baseBefore[name], 0, 0), $"base weight {name} changed");
        var lora = policy.Model.AdapterParameters(PolicyModel.PolicyAdapter).ToList();
        Assert.All(lora.Where(p => p.Key.EndsWith("lora_B.weight", StringComparison.Ordinal)),
            p => Assert.False(p.Parameter.detach().allclose(loraBefore[p.Key], 0, 0), $"{p.Key} did not move"));
    }

    [Fact]
    public async Task Training_separates_up_from_down_answers_and_writes_an_adapter_generate_loads()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var output = Path.Combine(work.Path, "kto");

        var summary = Train(new KtoTrainer(Fast), model.Path, SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 20), output);

        Assert.Equal(StopReason.Schedule, summary.StopReason);
        Assert.Equal((20, 20), (summary.Desirable, summary.Undesirable));
        Assert.True(summary.RewardMargin > 0, $"reward margin {summary.RewardMargin}");
        Assert.True(summary.Kl >= 0 && double.IsFinite(summary.Kl), $"KL {summary.Kl}");
        var record = LineageRecord.Read(output);
        var lineage = record.DetailsAs<AlignmentLineage>();
        Assert.Equal(("lora-kto", summary.AdapterSha256, ArtifactKind.Adapter), (lineage.Method, record.Sha256, record.Kind));
        Assert.Equal([ArtifactKind.BaseModel, ArtifactKind.Dataset], record.Parents.Select(p => p.Kind));
        Assert.Equal(40, lineage.Feedback!.Summary.Kept);
        var generated = await Run("generate", "--model", model.Path, "--adapter", output, "--prompt", "Where", "--max-tokens", "4", "--temperature", "0");
        Assert.True(generated.ExitCode == 0, generated.Error);
    }

    [Fact]
    public void A_run_from_a_loaded_adapter_keeps_it_as_the_frozen_reference_and_names_it_in_the_lineage()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var feedback = SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 12);
        var first = Path.Combine(work.Path, "first");
        Train(new KtoTrainer(Fast with { Epochs = 1 }), model.Path, feedback, first);
        var second = Path.Combine(work.Path, "second");

        using (var inputs = FeedbackInputs.Load(model.Path, first, feedback, null, new PreferenceOptions()))
        {
            Assert.Equal(new ArtefactLineage(Path.GetFullPath(first), AdapterSetup.Checksum(first)), inputs.Start.Adapter);
            new KtoTrainer(Fast with { Epochs = 1 }).Run(inputs.Start, inputs.Feedback, second);
        }

        var record = LineageRecord.Read(second);
        var lineage = record.DetailsAs<AlignmentLineage>();
        Assert.Equal(Path.GetFullPath(first), lineage.ReferenceAdapter!.Path);
        Assert.Equal([ArtifactKind.BaseModel, ArtifactKind.Adapter, ArtifactKind.Dataset], record.Parents.Select(p => p.Kind));
        Assert.Equal(AdapterSetup.Checksum(first), record.Parents[1].Sha256);
        Assert.NotEqual(AdapterSetup.Checksum(first), AdapterSetup.Checksum(second));
    }

    [Fact]
    public void A_run_stopped_midway_resumes_to_the_same_losses_and_adapter()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var feedback = SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 12);
        var whole = Path.Combine(work.Path, "whole");
        var split = Path.Combine(work.Path, "split");
        Train(new KtoTrainer(Fast), model.Path, feedback, whole);

        using (var stop = new CancellationTokenSource())
        {
            var stopAtThree = new Progress(e => { if (e.Phase == TrainingPhase.Step && e.Step == 3) stop.Cancel(); });
            Assert.Equal(StopReason.Cancelled, Train(new KtoTrainer(Fast, stopAtThree), model.Path, feedback, split, stop.Token).StopReason);
        }
        var resumed = Train(new KtoTrainer(Fast), model.Path, feedback, split);

        Assert.True(resumed.Resumed);
        Assert.Equal(Losses(whole), Losses(split));
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "adapter_model.safetensors")), File.ReadAllBytes(Path.Combine(split, "adapter_model.safetensors")));
    }

    [Fact]
    public void Past_the_kl_bound_the_run_stops_and_keeps_the_last_adapter_within_it()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var output = Path.Combine(work.Path, "kto");

        var summary = Train(new KtoTrainer(Fast with { LearningRate = 0.5, MaxKl = 1e-4, Epochs = 4 }), model.Path, SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 20), output);

        Assert.Equal(StopReason.KlBound, summary.StopReason);
        Assert.True(summary.Steps < 20, $"{summary.Steps} steps");
        Assert.True(File.Exists(Path.Combine(output, "adapter_model.safetensors")));
        Assert.False(Directory.Exists(Path.Combine(output, TrainingCheckpoint.FolderName)), "a guarded stop leaves no checkpoint to resume past the bound");
    }

    [Fact]
    public void A_step_whose_loss_is_not_finite_stops_the_run_with_the_last_good_adapter_written()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var output = Path.Combine(work.Path, "kto");

        // A learning rate this large sends the adapter's weights past float32 after the first update, so a later loss is NaN.
        var summary = Train(new KtoTrainer(Fast with { LearningRate = 1e30, MaxKl = 1e300 }), model.Path, SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 20), output);

        Assert.Equal(StopReason.Diverged, summary.StopReason);
        Assert.True(summary.Steps < 15, $"{summary.Steps} steps");
        Assert.True(File.Exists(Path.Combine(output, "adapter_model.safetensors")));
        Assert.Equal(StopReason.Diverged, LineageRecord.Read(output).DetailsAs<AlignmentLineage>().StopReason);
        Assert.False(Directory.Exists(Path.Combine(output, TrainingCheckpoint.FolderName)), "a diverged run leaves no checkpoint to resume from");
    }

    /// <summary>Loads as `da align kto` does (fresh LoRA; the trainers' default preference filters) and trains.</summary>
    static KtoSummary Train(KtoTrainer trainer, string modelPath, string feedbackPath, string output, CancellationToken cancellation = default)
    {
        using var inputs = FeedbackInputs.Load(modelPath, null, feedbackPath, null, new PreferenceOptions());
        return trainer.Run(inputs.Start, inputs.Feedback, output, cancellation: cancellation);
    }

    static IReadOnlyList<double> Losses(string output) =>
        TrainerState.FromJson(File.ReadAllText(Path.Combine(output, TrainingCheckpoint.FolderName, TrainerState.FileName)), output).Losses;

    /// <summary>Reports synchronously on the trainer's thread (System.Progress would post to the thread pool).</summary>
    sealed class Progress(Action<TrainingEvent> report) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => report(value);
    }
}
