using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using DomainAssistant.Grounding;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Threading;
using DomainAssistant.Training.Bootstrap;
using DomainAssistant.Training.Pretraining;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `da bootstrap` builds a domain's model as the host's first run would (<see cref="DomainBootstrap"/>), into a folder
/// the host serves without training: base/ (Hugging Face), adapter/ (PEFT), training.json (the recipe, the grounded
/// data report and both runs' summaries) and checksums.sha256, which the host verifies before serving. The sample
/// domain's shipped model (domains/tidewell-support/model) is made by this command.
/// </summary>
public static class BootstrapCommand
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    static readonly JsonSerializerOptions Compact = new(Json) { WriteIndented = false };

    static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.StartsWith("checkpoint", StringComparison.Ordinal)) continue; // optimizer state: not served
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }

    public static Command Create()
    {
        var domain = new Option<string>("--domain") { Description = "Domain folder (domain.json, corpus/, qa/).", Required = true };
        var output = new Option<string?>("--out") { Description = "Output folder (default: the domain's model/ folder, which the host serves)." };
        var size = new Option<string>("--size") { Description = $"Base size: {string.Join(", ", ModelSizes.Names)}.", DefaultValueFactory = _ => "small" };
        var vocab = new Option<int>("--vocab-size") { Description = "Tokenizer vocabulary learned from the corpus.", DefaultValueFactory = _ => 4096 };
        var context = new Option<int>("--context-length") { Description = "Context length of the base.", DefaultValueFactory = _ => 1024 };
        var baseMinutes = new Option<double>("--base-minutes") { Description = "Pretraining budget in minutes.", DefaultValueFactory = _ => 10 };
        var baseSteps = new Option<long?>("--base-steps") { Description = "Fixed pretraining steps instead of the budget." };
        var readerMinutes = new Option<double>("--reader-minutes") { Description = "Budget in minutes of tuning every weight on the grounded examples (0 skips it).", DefaultValueFactory = _ => 20 };
        var sftMinutes = new Option<double>("--sft-minutes") { Description = "Adapter tuning budget in minutes.", DefaultValueFactory = _ => 5 };
        var sftEpochs = new Option<int>("--sft-epochs") { Description = "Passes over the grounded examples.", DefaultValueFactory = _ => 2 };
        var rank = new Option<int>("--rank") { Description = "LoRA rank of the adapter.", DefaultValueFactory = _ => 64 };
        var perSentence = new Option<int>("--questions-per-sentence") { Description = "Template questions per corpus sentence.", DefaultValueFactory = _ => 2 };
        var maxSentences = new Option<int>("--max-sentence-examples") { Description = "Sentence examples at most.", DefaultValueFactory = _ => 4000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of weights, adapter and data.", DefaultValueFactory = _ => 1234 };
        var json = new Option<bool>("--json") { Description = "End stdout with the training record as one JSON object." };
        var command = new Command("bootstrap", "Build a domain's grounded model (base + adapter) as the host's first run does, into a folder the host serves.")
        {
            domain, output, size, vocab, context, baseMinutes, baseSteps, readerMinutes, sftMinutes, sftEpochs, rank, perSentence, maxSentences, seed, json,
        };
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            OpenMpWaitPolicy.UsePassiveUnlessSet();
            var profile = DomainFile.Read(parse.GetRequiredValue(domain));
            var folder = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(profile.Folder, "model"));
            var recipe = new DomainBootstrapOptions
            {
                Size = parse.GetValue(size)!, VocabSize = parse.GetValue(vocab), ContextLength = parse.GetValue(context),
                BaseMinutes = parse.GetValue(baseMinutes), BaseSteps = parse.GetValue(baseSteps), ReaderMinutes = parse.GetValue(readerMinutes),
                SftMinutes = parse.GetValue(sftMinutes),
                SftEpochs = parse.GetValue(sftEpochs), SftRank = parse.GetValue(rank), Seed = parse.GetValue(seed),
                Data = new GroundedDataOptions { QuestionsPerSentence = parse.GetValue(perSentence), MaxSentenceExamples = parse.GetValue(maxSentences) },
            };
            var error = parse.InvocationConfiguration.Error;
            var bar = new TrainingProgressBar(error, terminal: Terminal.IsTerminal(error), null);
            var bootstrap = new DomainBootstrap(recipe, bar, "da bootstrap");
            // pretrained/ is the corpus language model the reader starts from: kept while the run lasts (so an interrupted
            // pretraining resumes), removed at the end; base/ is the reader, the base the host serves.
            var (pretrained, basePath, adapterPath) = (Path.Combine(folder, "pretrained"), Path.Combine(folder, "base"), Path.Combine(folder, "adapter"));
            foreach (var existing in new[] { basePath, adapterPath })
                if (Directory.Exists(existing)) throw new ArgumentException($"'{existing}' already exists: choose another --out or remove the old model first.");

            await error.WriteLineAsync($"bootstrap: pretraining the base into {pretrained}");
            var baseSummary = await Task.Run(() => bootstrap.TrainBase(profile, pretrained, cancellation), cancellation);
            await using var index = await ScratchIndex.BuildAsync(profile, cancellation);
            await error.WriteLineAsync("bootstrap: laying out grounded examples and tuning the adapter");
            var tuned = await bootstrap.TuneAsync(profile, index.Retriever, index.Catalog, pretrained, basePath, Path.Combine(index.Folder, "grounded.jsonl"),
                adapterPath, cancellation);
            if (tuned.ServedBase != basePath) CopyFolder(tuned.ServedBase, basePath); // no reader stage: the pretrained base is served
            Directory.Delete(pretrained, recursive: true);
            var record = new { domain = profile.Name, recipe, data = tuned.Data, @base = baseSummary, reader = tuned.Reader, adapter = tuned.Adapter, finished_at = DateTimeOffset.UtcNow };
            await File.WriteAllTextAsync(Path.Combine(folder, "training.json"), JsonSerializer.Serialize(record, Json), cancellation);
            FolderChecksums.Write(folder);
            var stdout = parse.InvocationConfiguration.Output;
            await stdout.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(record, Compact)
                : FormattableString.Invariant($"{profile.Name}: base held-out loss {baseSummary.EvalLossAfter:F3}; grounded held-out loss {tuned.Reader?.EvalLossBefore ?? tuned.Adapter.EvalLossBefore:F3} -> reader {tuned.Reader?.EvalLossAfter ?? double.NaN:F3} -> adapter {tuned.Adapter.EvalLossAfter:F3} on {tuned.Data.Total} grounded examples -> {folder}"));
            return 0;
        }));
        return command;
    }
}
