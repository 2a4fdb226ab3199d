using DomainAssistant.Model;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Corpus;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Pretraining;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Training.Tests.Pretraining;

/// <summary>Bootstrap pretraining on a tiny shape: output folder, exact resume, divergence handling.</summary>
public sealed class BaseTrainerTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    PretrainingOptions Tiny => new()
    {
        Config = TinyModelFolder.Shape(tokenizer.Vocabulary.Count), SequenceLength = 32, MaxPositions = 128, BatchRows = 4,
        AccumulationSteps = 2, Steps = 8, WarmupSteps = 2, EvalEvery = 4, CheckpointEvery = 3, LearningRate = 5e-3,
    };

    // Both precisions on every machine: the default follows the CPU (TrainingPrecisions.Default).
    [Theory]
    [InlineData(TrainingPrecision.Fp32)]
    [InlineData(TrainingPrecision.Bf16)]
    public void Pretraining_writes_a_model_folder_that_loads_and_lowers_held_out_loss(TrainingPrecision precision)
    {
        using var work = Workspace(out var corpus, out var output);

        var summary = new BaseTrainer(Tiny with { Steps = 30, Precision = precision }).Run(new TextCorpus(corpus), output, resume: false);

        Assert.True(summary.EvalLossAfter < summary.EvalLossBefore - 0.5, $"held-out loss {summary.EvalLossBefore:F3} -> {summary.EvalLossAfter:F3}");
        Assert.Equal(30 * 4 * 2 * 32, summary.TrainTokens);
        using var loaded = PretrainedModel.Load(output);
        Assert.Equal(Tiny.Config!.HiddenSize, loaded.Model.Config.HiddenSize);
    }

    [Fact]
    public void Resume_after_an_interrupted_run_continues_with_the_same_losses()
    {
        using var straight = Workspace(out var corpus, out var uninterrupted);
        new BaseTrainer(Tiny).Run(new TextCorpus(corpus), uninterrupted, resume: false);
        var expected = State(uninterrupted).Losses;

        using var killed = Workspace(out var corpus2, out var interrupted);
        // The "kill" comes at step 5: the checkpoint of step 3 is on disk, steps 4 and 5 are lost with the process.
        var crash = new CrashAt(5);
        Assert.Throws<SimulatedKill>(() => new BaseTrainer(Tiny, crash).Run(new TextCorpus(corpus2), interrupted, resume: false));
        Assert.Equal(3, State(interrupted).Step);
        var refused = Assert.Throws<ArgumentException>(() => new BaseTrainer(Tiny).Run(new TextCorpus(corpus2), interrupted, resume: false));
        Assert.Contains("--resume", refused.Message);

        new BaseTrainer(Tiny).Run(new TextCorpus(corpus2), interrupted, resume: true);

        var resumed = State(interrupted).Losses;
        Assert.Equal(8, resumed.Count);
        Assert.Equal(expected, resumed); // exact: same weights, moments, data order and schedule
    }

    [Fact]
    public void Divergence_stops_training_and_keeps_the_last_good_checkpoint()
    {
        using var work = Workspace(out var corpus, out var output);

        var error = Assert.Throws<TrainingDivergedException>(() =>
            new BaseTrainer(Tiny with { LearningRate = 1e30, CheckpointEvery = 1, AccumulationSteps = 1 }).Run(new TextCorpus(corpus), output, resume: false));

        Assert.Contains("diverged at step", error.Message);
        var state = State(output);
        Assert.True(state.Step < error.Step, $"checkpoint at step {state.Step}, divergence at {error.Step}");
        Assert.All(state.Losses, loss => Assert.True(double.IsFinite(loss)));
    }

    static TrainerState State(string output) =>
        TrainerState.FromJson(File.ReadAllText(Path.Combine(TrainingCheckpoint.Find(output)!, TrainerState.FileName)), output);

    TempFolder Workspace(out string corpus, out string output)
    {
        var work = new TempFolder();
        corpus = Path.Combine(work.Path, "corpus");
        output = Path.Combine(work.Path, "model");
        work.File("corpus/text.txt", SampleCorpus.Text(800));
        Directory.CreateDirectory(output);
        foreach (var file in Directory.EnumerateFiles(tokenizer.Folder)) File.Copy(file, Path.Combine(output, Path.GetFileName(file)));
        return work;
    }

    sealed class SimulatedKill : Exception;

    /// <summary>Throws out of the training loop at a step, as a killed process would stop there.</summary>
    sealed class CrashAt(long step) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value)
        {
            if (value.Phase == TrainingPhase.Step && value.Step == step) throw new SimulatedKill();
        }
    }
}
