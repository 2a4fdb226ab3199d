using System.Text.Json;
using DomainAssistant.Model;
using DomainAssistant.Model.Lora;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Sft;
using DomainAssistant.Training.Tests.Support;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Tests.Sft;

/// <summary>The whole fine-tuning job on a tiny model: output folder, lineage, base untouched, held-out loss.</summary>
public sealed class SftTrainerTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    static readonly SftOptions Fast = new() { Rank = 8, Epochs = 3, BatchRows = 8, SequenceLength = 96, LearningRate = 1e-2, WarmupSteps = 2, EvalShare = 0.2 };

    // Both precisions on every machine: the default follows the CPU (TrainingPrecisions.Default), so without these
    // a machine without native bf16 would never run the bf16 path, nor one with it the fp32 path.
    [Theory]
    [InlineData(TrainingPrecision.Fp32)]
    [InlineData(TrainingPrecision.Bf16)]
    public void Fine_tuning_lowers_held_out_loss_and_writes_a_peft_adapter_with_lineage(TrainingPrecision precision)
    {
        var options = Fast with { Precision = precision };
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var data = QuestionAnswers.Write(work, "qa.jsonl", 60);
        var baseChecksum = Checksums.Model(model.Path);
        var output = Path.Combine(work.Path, "adapter");

        using var inputs = SftInputs.Load(model.Path, null, data, options);
        var summary = new SftTrainer(options).Run(inputs.Model, inputs.Source, inputs.Data, output);

        Assert.True(summary.EvalLossAfter < summary.EvalLossBefore - 0.3, $"held-out loss {summary.EvalLossBefore:F3} -> {summary.EvalLossAfter:F3}");
        Assert.Equal(baseChecksum, Checksums.Model(model.Path));
        var record = LineageRecord.Read(output);
        var lineage = record.DetailsAs<SftLineage>();
        Assert.Equal((ArtifactKind.Adapter, lineage.AdapterSha256, "lora-sft"), (record.Kind, record.Sha256, lineage.Method));
        Assert.Equal(PeftAdapter.WeightsSha256(output), record.Sha256);
        Assert.Equal([(ArtifactKind.BaseModel, baseChecksum), (ArtifactKind.Dataset, lineage.Dataset.Sha256)], record.Parents.Select(p => (p.Kind, p.Sha256)));
        Assert.Equal(StopReason.Schedule, lineage.StopReason);
        Assert.Equal(baseChecksum, lineage.BaseModel.Sha256);
        Assert.Equal(64, lineage.Dataset.Sha256.Length);
        Assert.Equal((48, 12), (lineage.Dataset.TrainExamples, lineage.Dataset.EvalExamples));
        Assert.NotEmpty(lineage.Metrics);
        Assert.Equal(summary.EvalLossAfter, lineage.EvalLossAfter);

        using var loaded = PretrainedModel.Load(model.Path);
        var config = PeftAdapter.Load(output, loaded.Model, "sft");
        Assert.Equal(8, config.R);
        using var ids = tensor(new long[] { 1, 40, 41, 42 }, [1, 4]);
        using var plain = loaded.Model.Forward(ids);
        using var adapted = loaded.Model.Forward(ids, ["sft"]);
        Assert.False(plain.allclose(adapted), "the saved adapter does not change the model's output");
    }

    [Fact]
    public void Fine_tuning_reports_corrupt_lines_and_trains_on_the_rest()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var lines = QuestionAnswers.Lines(20).ToList();
        lines.Insert(3, "{\"question\": \"no answer\"}");
        var data = work.File("qa.jsonl", string.Join('\n', lines) + "\n");

        var options = Fast with { Epochs = 1 };
        using var inputs = SftInputs.Load(model.Path, null, data, options);
        var summary = new SftTrainer(options).Run(inputs.Model, inputs.Source, inputs.Data, Path.Combine(work.Path, "adapter"));

        var skipped = Assert.Single(summary.SkippedLines);
        Assert.StartsWith($"{data}:4: ", skipped);
        var lineage = JsonDocument.Parse(File.ReadAllText(Path.Combine(work.Path, "adapter", LineageRecord.FileName)));
        Assert.Equal(skipped, lineage.RootElement.GetProperty("dataset").GetProperty("skipped_lines")[0].GetString());
    }

    [Fact]
    public void A_model_loaded_by_the_caller_is_tuned_in_place_and_the_lineage_names_the_source_it_was_given()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var data = QuestionAnswers.Write(work, "qa.jsonl", 20);
        using var pretrained = PretrainedModel.Load(model.Path);
        var examples = SftData.Load(data, ExampleEncoder.For(pretrained));
        var source = BaseModelLineage.Of(model.Path);
        var output = Path.Combine(work.Path, "adapter");

        new SftTrainer(Fast with { Epochs = 1 }).Run(pretrained, source, examples, output);

        Assert.True(pretrained.Model.Adapters.Contains("sft"), "the adapter is trained on the model the caller passed");
        var lineage = LineageRecord.Read(output).DetailsAs<SftLineage>();
        Assert.Equal(source, lineage.BaseModel);
        Assert.Equal(Path.GetFullPath(data), lineage.Dataset.Path);
        using var reloaded = PretrainedModel.Load(model.Path);
        Assert.Equal(source.Path, PeftAdapter.Load(output, reloaded.Model, "sft").BaseModelNameOrPath);
    }

    [Fact]
    public void Loading_reports_a_missing_model_folder_before_reading_any_data()
    {
        using var work = new TempFolder();

        var error = Assert.Throws<FileNotFoundException>(() => SftInputs.Load(Path.Combine(work.Path, "no-model"), null, Path.Combine(work.Path, "no-data.jsonl"), Fast));

        Assert.StartsWith($"model not found: {Path.Combine(work.Path, "no-model")}", error.Message, StringComparison.Ordinal);
    }
}
