using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using DomainAssistant.Alignment.Kto;
using DomainAssistant.Alignment.Preferences;
using DomainAssistant.Alignment.RewardModeling;
using DomainAssistant.Alignment.Rloo;
using DomainAssistant.Model.Threading;
using DomainAssistant.Training;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Progress;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `da align rm` trains a reward model from thumbs; `da align kto` an adapter straight from thumbs; `da align rl` an
/// adapter by RLOO against a reward model. Progress bar on stderr, --events as `da train`; with --json the last
/// stdout line is one JSON object.
/// </summary>
public static class AlignCommand
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static Command Create() => new("align", "Learn from user feedback: a reward model, then adapters by KTO or RLOO.") { RewardModel(), Kto(), Rl() };

    static Command RewardModel()
    {
        var common = new CommonOptions();
        var feedback = new Option<string>("--feedback") { Description = "Feedback file (JSON lines: prompt, response, rating up|down; see da feedback export).", Required = true };
        var heldOut = new Option<string?>("--heldout") { Description = "Feedback file to evaluate on instead of a held-out share of the prompts of --feedback." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training votes.", DefaultValueFactory = _ => 4 };
        var rank = new Option<int>("--rank") { Description = "LoRA rank of a fresh reward adapter (ignored with --adapter).", DefaultValueFactory = _ => 8 };
        var learningRate = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 1e-3 };
        var pairWeight = new Option<double>("--pair-weight") { Description = "Weight of the Bradley-Terry loss on up/down pairs next to the pointwise loss.", DefaultValueFactory = _ => 1.0 };
        var command = new Command("rm", "Train a reward model (base + LoRA + scalar head) on thumbs; report held-out accuracy, AUC, ECE.")
        {
            feedback, heldOut, epochs, rank, learningRate, pairWeight,
        };
        common.AddTo(command, "Reward model folder (PEFT adapter, reward_head.safetensors, reward_model.json, lineage.json).", "PEFT adapter whose weights the reward adapter starts from (default: a fresh LoRA).");
        command.SetAction(CommandErrors.Guard((parse, cancellation) =>
        {
            var options = new RewardModelOptions
            {
                Epochs = parse.GetValue(epochs), Rank = parse.GetValue(rank), LearningRate = parse.GetValue(learningRate), PairWeight = parse.GetValue(pairWeight),
                BatchRows = parse.GetValue(common.Batch), MaxLength = parse.GetValue(common.MaxLength), Seed = parse.GetValue(common.Seed), Preferences = common.Preferences(parse),
            };
            return RunAsync(parse, common, progress =>
            {
                using var inputs = FeedbackInputs.Load(parse.GetRequiredValue(common.Model), parse.GetValue(common.Adapter), parse.GetRequiredValue(feedback), parse.GetValue(heldOut), options.Preferences);
                return new RewardModelTrainer(options, progress, "da align rm").Run(inputs.Start, inputs.Feedback, inputs.HeldOut, parse.GetRequiredValue(common.Output), cancellation);
            },
                s => FormattableString.Invariant($"reward model: held-out accuracy {s.HeldoutAccuracyBefore:P1} -> {s.HeldoutAccuracy:P1}, AUC {s.HeldoutAuc:F3}, ECE {s.Ece:F3}, pair accuracy {s.HeldoutPairAccuracy:P1} ({s.TrainExamples} training votes, {s.TrainPairs} pairs, {s.HeldoutExamples} held out) -> {s.Output}"));
        }));
        return command;
    }

    static Command Kto()
    {
        var common = new CommonOptions();
        var feedback = new Option<string>("--feedback") { Description = "Feedback file (JSON lines: prompt, response, rating up|down).", Required = true };
        var beta = new Option<double>("--beta") { Description = "KTO's beta: how far the policy may move from the reference.", DefaultValueFactory = _ => 0.1 };
        var desirable = new Option<double?>("--desirable-weight") { Description = "lambda_D (default: balanced against the up/down counts)." };
        var undesirable = new Option<double?>("--undesirable-weight") { Description = "lambda_U (default: balanced against the up/down counts)." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the votes.", DefaultValueFactory = _ => 2 };
        var rank = new Option<int>("--rank") { Description = "LoRA rank of a fresh adapter (ignored with --adapter).", DefaultValueFactory = _ => 16 };
        var learningRate = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 5e-4 };
        var maxKl = new Option<double>("--max-kl") { Description = "Stop, keeping the last adapter within it, when the KL estimate passes this (nats per answer).", DefaultValueFactory = _ => 20 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Checkpoint every N steps (a rerun with the same --out resumes).", DefaultValueFactory = _ => 20 };
        var maxMinutes = new Option<double?>("--max-minutes") { Description = "Stop (checkpoint, write the adapter) after this many minutes." };
        var command = new Command("kto", "Tune a LoRA adapter straight from thumbs with KTO (no reward model); only LoRA weights change.")
        {
            feedback, beta, desirable, undesirable, epochs, rank, learningRate, maxKl, checkpointEvery, maxMinutes,
        };
        common.AddTo(command, "Adapter folder (PEFT, loadable by da generate --adapter; lineage.json; checkpoint/).", "Adapter to improve, also the frozen reference (default: a fresh LoRA, the base the reference).");
        command.SetAction(CommandErrors.Guard((parse, cancellation) =>
        {
            var options = new KtoOptions
            {
                Beta = parse.GetValue(beta), DesirableWeight = parse.GetValue(desirable), UndesirableWeight = parse.GetValue(undesirable), Epochs = parse.GetValue(epochs),
                Rank = parse.GetValue(rank), LearningRate = parse.GetValue(learningRate), MaxKl = parse.GetValue(maxKl), CheckpointEvery = parse.GetValue(checkpointEvery),
                BatchRows = parse.GetValue(common.Batch), MaxLength = parse.GetValue(common.MaxLength), Seed = parse.GetValue(common.Seed), Preferences = common.Preferences(parse),
            };
            return RunAsync(parse, common, progress =>
            {
                using var inputs = FeedbackInputs.Load(parse.GetRequiredValue(common.Model), parse.GetValue(common.Adapter), parse.GetRequiredValue(feedback), null, options.Preferences);
                return new KtoTrainer(options, progress, "da align kto").Run(inputs.Start, inputs.Feedback, parse.GetRequiredValue(common.Output), parse.GetValue(maxMinutes), cancellation);
            },
                s => FormattableString.Invariant($"kto: {s.Steps} steps, stopped: {s.StopReason.Name()}; KL {s.Kl:F4} nats, reward margin {s.RewardMargin:F4}, {s.Desirable} desirable / {s.Undesirable} undesirable (weights {s.DesirableWeight:F2} / {s.UndesirableWeight:F2}) -> {s.Output}"));
        }));
        return command;
    }

    static Command Rl()
    {
        var common = new CommonOptions();
        var rewardModel = new Option<string>("--reward-model") { Description = "Reward model folder (da align rm).", Required = true };
        var prompts = new Option<string>("--prompts") { Description = "JSON lines with \"prompt\" (raw user text) or \"messages\", optionally \"chunks\" (count or ids) for the citation rule.", Required = true };
        var samples = new Option<int>("--samples") { Description = "k, answers sampled per prompt (leave-one-out baseline).", DefaultValueFactory = _ => 4 };
        var klCoefficient = new Option<double>("--kl-coef") { Description = "beta of the KL penalty to the reference in the reward.", DefaultValueFactory = _ => 0.05 };
        var iterations = new Option<int>("--iterations") { Description = "Iterations (default: one pass over the training prompts).", DefaultValueFactory = _ => 0 };
        var promptsPerIteration = new Option<int>("--prompts-per-iteration") { Description = "Prompts sampled per iteration.", DefaultValueFactory = _ => 8 };
        var innerEpochs = new Option<int>("--inner-epochs") { Description = "Clipped optimisation passes over each iteration's answers.", DefaultValueFactory = _ => 2 };
        var citationPenalty = new Option<double>("--citation-penalty") { Description = "Reward taken per [n] marker that names no chunk (0: off).", DefaultValueFactory = _ => 1.0 };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Longest sampled answer.", DefaultValueFactory = _ => 64 };
        var rank = new Option<int>("--rank") { Description = "LoRA rank of a fresh adapter (ignored with --adapter).", DefaultValueFactory = _ => 16 };
        var learningRate = new Option<double>("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => 1e-4 };
        var maxKl = new Option<double>("--max-kl") { Description = "Stop, keeping the last adapter within it, when the mean per-answer KL passes this (nats).", DefaultValueFactory = _ => 10 };
        var maxMinutes = new Option<double?>("--max-minutes") { Description = "Stop after the iteration that passes this; a rerun with the same --out resumes." };
        var command = new Command("rl", "Tune a LoRA adapter by RLOO against a reward model (k samples per prompt, leave-one-out baseline, clipped ratio, KL penalty).")
        {
            rewardModel, prompts, samples, klCoefficient, iterations, promptsPerIteration, innerEpochs, citationPenalty, maxNewTokens, rank, learningRate, maxKl, maxMinutes,
        };
        common.AddTo(command, "Adapter folder (PEFT, loadable by da generate --adapter; lineage.json; checkpoint/).", "Adapter to improve, also the frozen reference (default: a fresh LoRA, the base the reference).");
        command.SetAction(CommandErrors.Guard((parse, cancellation) =>
        {
            var options = new RlooOptions
            {
                SamplesPerPrompt = parse.GetValue(samples), KlCoefficient = parse.GetValue(klCoefficient), Iterations = parse.GetValue(iterations),
                PromptsPerIteration = parse.GetValue(promptsPerIteration), InnerEpochs = parse.GetValue(innerEpochs), CitationPenalty = parse.GetValue(citationPenalty),
                MaxNewTokens = parse.GetValue(maxNewTokens), Rank = parse.GetValue(rank), LearningRate = parse.GetValue(learningRate), MaxKl = parse.GetValue(maxKl),
                MiniBatch = parse.GetValue(common.Batch), MaxLength = parse.GetValue(common.MaxLength), Seed = parse.GetValue(common.Seed),
            };
            return RunAsync(parse, common, progress =>
            {
                using var inputs = RlooInputs.Load(parse.GetRequiredValue(common.Model), parse.GetValue(common.Adapter), parse.GetRequiredValue(rewardModel), parse.GetRequiredValue(prompts));
                return new RlooTrainer(options, progress, "da align rl").Run(inputs.Start, inputs.RewardModel, inputs.Prompts, parse.GetRequiredValue(common.Output), parse.GetValue(maxMinutes), cancellation);
            },
                s => FormattableString.Invariant($"rloo: {s.Iterations} iterations ({s.OptimizerSteps} steps), stopped: {s.StopReason.Name()}; held-out reward {s.RewardBefore:F4} -> {s.RewardAfter:F4}, KL {s.Kl:F4} nats; generation {s.GenerationSeconds:F1} s at {s.TokensPerSecond:N0} tok/s, optimisation {s.OptimisationSeconds:F1} s -> {s.Output}"));
        }));
        return command;
    }

    /// <summary>Runs a trainer on a worker thread with the progress bar (and event log), then prints the summary.</summary>
    static async Task<int> RunAsync<T>(ParseResult parse, CommonOptions common, Func<IProgress<TrainingEvent>, T> train, Func<T, string> describe)
    {
        var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        OpenMpWaitPolicy.UsePassiveUnlessSet(); // Program.cs does it too; this covers commands invoked in-process (tests)
        if (parse.GetValue(common.Threads) is > 0 and var threads) TorchSharp.torch.set_num_threads(threads);
        using var log = parse.GetValue(common.Events) is { } path ? new TrainingEventLog(path) : null;
        var bar = new TrainingProgressBar(error, terminal: Terminal.IsTerminal(error), log);
        T summary;
        try
        {
            summary = await Task.Run(() => train(bar));
        }
        catch (TrainingDivergedException diverged)
        {
            await error.WriteLineAsync($"\nerror: {diverged.Message}");
            return 2;
        }
        await common.Ledger.RecordFolderAsync(parse, parse.GetRequiredValue(common.Output));
        await output.WriteLineAsync(parse.GetValue(common.Json) ? JsonSerializer.Serialize(summary, Json) : describe(summary));
        return 0;
    }

    /// <summary>Options every alignment command takes.</summary>
    sealed class CommonOptions
    {
        public Option<string> Model { get; } = new("--model") { Description = "Base model: Hugging Face folder.", Required = true };
        public Option<string?> Adapter { get; } = new("--adapter");
        public Option<string> Output { get; } = new("--out") { Required = true };
        public Option<int> Batch { get; } = new("--batch") { Description = "Examples per step.", DefaultValueFactory = _ => 8 };
        public Option<int> MaxLength { get; } = new("--max-length") { Description = "Longest prompt + answer, in tokens.", DefaultValueFactory = _ => 256 };
        public Option<int> MinVotes { get; } = new("--min-votes") { Description = "Fewest usable votes to train on; fewer ends the run without a model.", DefaultValueFactory = _ => 8 };
        public Option<int> MaxVotesPerUser { get; } = new("--max-votes-per-user") { Description = "Most votes one user contributes (their latest).", DefaultValueFactory = _ => 50 };
        public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of adapter init, split, order and sampling.", DefaultValueFactory = _ => 1234 };
        public Option<string?> Events { get; } = new("--events") { Description = "Append every progress event as a JSON line to this file." };
        public Option<bool> Json { get; } = new("--json") { Description = "End stdout with one JSON summary line." };
        public Option<int> Threads { get; } = new("--threads") { Description = "libtorch threads (0 = its default, one per core)." };
        public LedgerOption Ledger { get; } = new();

        public PreferenceOptions Preferences(ParseResult parse) => new() { MinVotes = parse.GetValue(MinVotes), MaxVotesPerUser = parse.GetValue(MaxVotesPerUser) };

        public void AddTo(Command command, string outputDescription, string adapterDescription)
        {
            Output.Description = outputDescription;
            Adapter.Description = adapterDescription;
            foreach (var option in new Option[] { Model, Adapter, Output, Batch, MaxLength, MinVotes, MaxVotesPerUser, Seed, Events, Json, Threads, Ledger.Option, Ledger.Shared.Option }) command.Options.Add(option);
        }
    }
}
