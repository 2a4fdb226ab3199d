using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using DomainAssistant.Training;
using DomainAssistant.Training.Corpus;
using DomainAssistant.Training.Evaluation;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Pretraining;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Sft;
using DomainAssistant.Model.Threading;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `da train base` pretrains a bootstrap model on a corpus folder; `da train sft` fine-tunes a LoRA adapter;
/// `da train eval` measures a model's (and adapter's) loss and perplexity on a dataset. With --json the last stdout
/// line is one JSON object (eval_loss_before, eval_loss_after, train_tokens, tokens_per_second, output, ...).
/// </summary>
public static class TrainCommand
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static Command Create() => new("train", "Pretrain a bootstrap base model, fine-tune LoRA adapters, evaluate.") { Base(), Sft(), Eval() };

    /// <summary>Before anything loads libtorch: OpenMP threads that sleep rather than spin (see <see cref="OpenMpWaitPolicy"/>).
    /// Program.cs does it for every command; this covers the commands invoked in-process (tests).</summary>
    static void PrepareRuntime() => OpenMpWaitPolicy.UsePassiveUnlessSet();

    static Command Base()
    {
        var corpus = new Option<string>("--corpus") { Description = "Folder of .txt, .md and .jsonl files.", Required = true };
        var size = new Option<string>("--size") { Description = $"Model size: {string.Join(", ", ModelSizes.Names)}.", DefaultValueFactory = _ => "small" };
        var output = new Option<string>("--out") { Description = "Output Hugging Face folder (tokenizer, config.json, model.safetensors, checkpoint/).", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint in --out." };
        var vocab = new Option<int>("--vocab-size") { Description = "Vocabulary of the tokenizer trained when --out has none.", DefaultValueFactory = _ => 4096 };
        var steps = new Option<long?>("--steps") { Description = "Optimizer steps (default: sized to --max-minutes, else --epochs passes)." };
        var epochs = new Option<double>("--epochs") { Description = "Passes over the training tokens when neither --steps nor --max-minutes is given.", DefaultValueFactory = _ => 10 };
        var evalEvery = new Option<int>("--eval-every") { Description = "Held-out evaluation every N steps.", DefaultValueFactory = _ => 50 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Checkpoint every N steps (and at the end).", DefaultValueFactory = _ => 50 };
        var contextLength = new Option<int>("--context-length") { Description = "Context length of the model (max_position_embeddings).", DefaultValueFactory = _ => 1024 };
        var common = new CommonOptions("16", "2e-3");
        var command = new Command("base", "Pretrain a small Llama (and its tokenizer) on a corpus folder.") { corpus, size, output, resume, vocab, steps, epochs, evalEvery, checkpointEvery, contextLength };
        common.AddTo(command);
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            var options = new PretrainingOptions
            {
                Size = parse.GetValue(size)!, VocabSize = parse.GetValue(vocab), Steps = parse.GetValue(steps), Epochs = parse.GetValue(epochs),
                MaxMinutes = parse.GetValue(common.MaxMinutes), BatchRows = parse.GetValue(common.Batch), SequenceLength = parse.GetValue(common.SeqLen),
                AccumulationSteps = parse.GetValue(common.Accumulate), LearningRate = parse.GetValue(common.LearningRate),
                Precision = TrainingPrecisions.Parse(parse.GetValue(common.Precision)), Seed = parse.GetValue(common.Seed),
                EvalEvery = parse.GetValue(evalEvery), CheckpointEvery = parse.GetValue(checkpointEvery), MaxPositions = parse.GetValue(contextLength),
            };
            return await RunAsync(parse, common, progress => new BaseTrainer(options, progress)
                .Run(new TextCorpus(parse.GetRequiredValue(corpus)), parse.GetRequiredValue(output), parse.GetValue(resume), cancellation),
                summary => common.Ledger.RecordAsync(parse, PretrainingLineage.Of(parse.GetRequiredValue(corpus), summary, "da train base")));
        }));
        return command;
    }

    static Command Sft()
    {
        var model = new Option<string>("--model") { Description = "Base model: Hugging Face folder (or llama2.c .bin).", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Tokenizer file or folder (default: the model folder, or tokenizer.bin beside a .bin)." };
        var data = new Option<string>("--data") { Description = "JSONL (prompt/response, question/answer, messages, text) or .txt/.md documents, file or folder.", Required = true };
        var output = new Option<string>("--out") { Description = "Adapter folder (adapter_config.json, adapter_model.safetensors, lineage.json).", Required = true };
        var rank = new Option<int>("--rank") { Description = "LoRA rank.", DefaultValueFactory = _ => 16 };
        var alpha = new Option<double?>("--alpha") { Description = "LoRA alpha (default 2 x rank)." };
        var targets = new Option<string>("--targets") { Description = "all-linear, or module names such as q_proj,v_proj.", DefaultValueFactory = _ => "all-linear" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data (early stopping may end sooner).", DefaultValueFactory = _ => 3 };
        var patience = new Option<int>("--patience") { Description = "Evaluations without improvement before stopping (0 = never).", DefaultValueFactory = _ => 2 };
        var evalsPerEpoch = new Option<int>("--evals-per-epoch") { Description = "Held-out evaluations per epoch.", DefaultValueFactory = _ => 1 };
        var system = new Option<string?>("--system") { Description = "System message for conversations without one." };
        var strict = new Option<bool>("--strict") { Description = "Refuse the data at the first corrupt line (default: skip it and report file:line)." };
        var version = new Option<string?>("--data-version") { Description = "Dataset version for lineage.json (default: checksum prefix)." };
        var full = new Option<bool>("--full") { Description = "Train every weight instead of a LoRA adapter; --out becomes a whole Hugging Face model folder." };
        var common = new CommonOptions("8", "2e-3");
        var command = new Command("sft", "Fine-tune a LoRA adapter (PEFT format) on instruction data or documents.")
        {
            model, tokenizer, data, output, rank, alpha, targets, epochs, patience, evalsPerEpoch, system, strict, version, full,
        };
        common.AddTo(command);
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            var options = new SftOptions
            {
                Rank = parse.GetValue(rank), Alpha = parse.GetValue(alpha), Targets = parse.GetValue(targets)!, Epochs = parse.GetValue(epochs),
                Patience = parse.GetValue(patience), EvalsPerEpoch = parse.GetValue(evalsPerEpoch), SystemPrompt = parse.GetValue(system),
                Strict = parse.GetValue(strict), DataVersion = parse.GetValue(version), FullParameters = parse.GetValue(full), MaxMinutes = parse.GetValue(common.MaxMinutes),
                BatchRows = parse.GetValue(common.Batch), SequenceLength = parse.GetValue(common.SeqLen), AccumulationSteps = parse.GetValue(common.Accumulate),
                LearningRate = parse.GetValue(common.LearningRate), Precision = TrainingPrecisions.Parse(parse.GetValue(common.Precision)), Seed = parse.GetValue(common.Seed),
            };
            return await RunAsync(parse, common, progress =>
            {
                using var inputs = SftInputs.Load(parse.GetRequiredValue(model), parse.GetValue(tokenizer), parse.GetRequiredValue(data), options);
                var summary = new SftTrainer(options, progress, "da train sft").Run(inputs.Model, inputs.Source, inputs.Data, parse.GetRequiredValue(output), cancellation);
                foreach (var line in summary.SkippedLines) parse.InvocationConfiguration.Error.WriteLine($"skipped {line}");
                return summary;
            }, summary => common.Ledger.RecordFolderAsync(parse, summary.Output));
        }));
        return command;
    }

    static Command Eval()
    {
        var model = new Option<string>("--model") { Description = "Model: Hugging Face folder (or llama2.c .bin).", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Tokenizer file or folder (default: the model folder, or tokenizer.bin beside a .bin)." };
        var adapter = new Option<string?>("--adapter") { Description = "PEFT adapter folder to evaluate over the model." };
        var data = new Option<string>("--data") { Description = "Dataset (as for sft); every example is scored on its own.", Required = true };
        var seqLen = new Option<int>("--seq-len") { Description = "Longest example scored (tokens).", DefaultValueFactory = _ => 256 };
        var system = new Option<string?>("--system") { Description = "System message for conversations without one." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("eval", "Loss and perplexity of a model (and adapter) on a dataset's response tokens.") { model, tokenizer, adapter, data, seqLen, system, json };
        command.SetAction(CommandErrors.Guard(async (parse, _) =>
        {
            PrepareRuntime();
            var result = await Task.Run(() => DatasetEvaluation.Run(parse.GetRequiredValue(model), parse.GetValue(adapter), parse.GetRequiredValue(data), parse.GetValue(seqLen), parse.GetValue(system),
                parse.GetValue(tokenizer)));
            var output = parse.InvocationConfiguration.Output;
            foreach (var line in result.SkippedLines) await parse.InvocationConfiguration.Error.WriteLineAsync($"skipped {line}");
            await output.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(new { result.Loss, result.Perplexity, result.Tokens, result.Examples, skipped_lines = result.SkippedLines.Count }, Json)
                : FormattableString.Invariant($"loss {result.Loss:F4} nats/token, perplexity {result.Perplexity:F3} over {result.Tokens} tokens of {result.Examples} examples"));
            return 0;
        }));
        return command;
    }

    /// <summary>Runs a trainer on a worker thread with the progress bar (and event log), records what it made in the lineage ledger, then prints the summary.</summary>
    static async Task<int> RunAsync(ParseResult parse, CommonOptions common, Func<IProgress<TrainingEvent>, TrainingSummary> train, Func<TrainingSummary, Task> record)
    {
        var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        PrepareRuntime();
        if (parse.GetValue(common.Threads) is > 0 and var threads) TorchSharp.torch.set_num_threads(threads);
        if (TrainingPrecisions.Parse(parse.GetValue(common.Precision)).Caution() is { } caution) await error.WriteLineAsync($"warning: {caution}");
        using var log = parse.GetValue(common.Events) is { } path ? new TrainingEventLog(path) : null;
        var bar = new TrainingProgressBar(error, terminal: Terminal.IsTerminal(error), log);
        TrainingSummary summary;
        try
        {
            summary = await Task.Run(() => train(bar));
        }
        catch (TrainingDivergedException diverged)
        {
            await error.WriteLineAsync($"\nerror: {diverged.Message}");
            return 2;
        }
        await record(summary);
        await output.WriteLineAsync(parse.GetValue(common.Json)
            ? JsonSerializer.Serialize(summary, Json)
            : FormattableString.Invariant($"{summary.Job}: held-out loss {summary.EvalLossBefore:F4} -> {summary.EvalLossAfter:F4} (perplexity {summary.EvalPerplexityBefore:F2} -> {summary.EvalPerplexityAfter:F2}), {summary.Steps} steps, {summary.TrainTokens:N0} tokens at {summary.TokensPerSecond:N0} tok/s, stopped: {summary.StopReason.Name()} -> {summary.Output}"));
        return 0;
    }

    /// <summary>Options both trainers take.</summary>
    sealed class CommonOptions(string batchDefault, string learningRateDefault)
    {
        public Option<double?> MaxMinutes { get; } = new("--max-minutes") { Description = "Stop (checkpoint, write the result) after this many minutes." };
        public Option<int> Batch { get; } = new("--batch") { Description = "Rows per micro-batch.", DefaultValueFactory = _ => int.Parse(batchDefault, System.Globalization.CultureInfo.InvariantCulture) };
        public Option<int> SeqLen { get; } = new("--seq-len") { Description = "Tokens per row.", DefaultValueFactory = _ => 256 };
        public Option<int> Accumulate { get; } = new("--accumulate") { Description = "Micro-batches per optimizer step (gradient accumulation).", DefaultValueFactory = _ => 1 };
        public Option<double> LearningRate { get; } = new("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => double.Parse(learningRateDefault, System.Globalization.CultureInfo.InvariantCulture) };
        public Option<string> Precision { get; } = new("--precision") { Description = "fp32, bf16 (bfloat16 compute, float32 master weights), or auto: bf16 where the CPU multiplies bfloat16 in hardware (AVX-512 BF16, AMX, Arm BF16), else fp32.", DefaultValueFactory = _ => "auto" };
        public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of weights/adapter init and data order.", DefaultValueFactory = _ => 1234 };
        public Option<string?> Events { get; } = new("--events") { Description = "Append every progress event as a JSON line to this file." };
        public Option<bool> Json { get; } = new("--json") { Description = "End stdout with one JSON summary line." };
        public Option<int> Threads { get; } = new("--threads") { Description = "libtorch threads (0 = its default, one per core)." };
        public LedgerOption Ledger { get; } = new();

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { MaxMinutes, Batch, SeqLen, Accumulate, LearningRate, Precision, Seed, Events, Json, Threads, Ledger.Option, Ledger.Shared.Option }) command.Options.Add(option);
        }
    }
}
