using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using DomainAssistant.Grounding;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Threading;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Training.Bootstrap;
using DomainAssistant.Training.Pretraining;
using Microsoft.Extensions.DependencyInjection;

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

    public static Command Create()
    {
        var domain = new Option<string>("--domain") { Description = "Domain folder (domain.json, corpus/, qa/).", Required = true };
        var output = new Option<string?>("--out") { Description = "Output folder (default: the domain's model/ folder, which the host serves)." };
        var size = new Option<string>("--size") { Description = $"Base size: {string.Join(", ", ModelSizes.Names)}.", DefaultValueFactory = _ => "small" };
        var vocab = new Option<int>("--vocab-size") { Description = "Tokenizer vocabulary learned from the corpus.", DefaultValueFactory = _ => 4096 };
        var context = new Option<int>("--context-length") { Description = "Context length of the base.", DefaultValueFactory = _ => 1024 };
        var baseMinutes = new Option<double>("--base-minutes") { Description = "Pretraining budget in minutes.", DefaultValueFactory = _ => 10 };
        var baseSteps = new Option<long?>("--base-steps") { Description = "Fixed pretraining steps instead of the budget." };
        var sftMinutes = new Option<double>("--sft-minutes") { Description = "Adapter tuning budget in minutes.", DefaultValueFactory = _ => 20 };
        var sftEpochs = new Option<int>("--sft-epochs") { Description = "Passes over the grounded examples.", DefaultValueFactory = _ => 2 };
        var rank = new Option<int>("--rank") { Description = "LoRA rank of the adapter.", DefaultValueFactory = _ => 64 };
        var perSentence = new Option<int>("--questions-per-sentence") { Description = "Template questions per corpus sentence.", DefaultValueFactory = _ => 2 };
        var maxSentences = new Option<int>("--max-sentence-examples") { Description = "Sentence examples at most.", DefaultValueFactory = _ => 4000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of weights, adapter and data.", DefaultValueFactory = _ => 1234 };
        var json = new Option<bool>("--json") { Description = "End stdout with the training record as one JSON object." };
        var command = new Command("bootstrap", "Build a domain's grounded model (base + adapter) as the host's first run does, into a folder the host serves.")
        {
            domain, output, size, vocab, context, baseMinutes, baseSteps, sftMinutes, sftEpochs, rank, perSentence, maxSentences, seed, json,
        };
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            OpenMpWaitPolicy.UsePassiveUnlessSet();
            var profile = DomainFile.Read(parse.GetRequiredValue(domain));
            var folder = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(profile.Folder, "model"));
            var recipe = new DomainBootstrapOptions
            {
                Size = parse.GetValue(size)!, VocabSize = parse.GetValue(vocab), ContextLength = parse.GetValue(context),
                BaseMinutes = parse.GetValue(baseMinutes), BaseSteps = parse.GetValue(baseSteps), SftMinutes = parse.GetValue(sftMinutes),
                SftEpochs = parse.GetValue(sftEpochs), SftRank = parse.GetValue(rank), Seed = parse.GetValue(seed),
                Data = new GroundedDataOptions { QuestionsPerSentence = parse.GetValue(perSentence), MaxSentenceExamples = parse.GetValue(maxSentences) },
            };
            var error = parse.InvocationConfiguration.Error;
            var bar = new TrainingProgressBar(error, terminal: !Console.IsErrorRedirected && ReferenceEquals(error, Console.Error), null);
            var bootstrap = new DomainBootstrap(recipe, bar);
            var (basePath, adapterPath) = (Path.Combine(folder, "base"), Path.Combine(folder, "adapter"));
            if (Directory.Exists(adapterPath)) throw new ArgumentException($"'{adapterPath}' already exists: choose another --out or remove the old model first.");

            await error.WriteLineAsync($"bootstrap: pretraining the base into {basePath}");
            var baseSummary = await Task.Run(() => bootstrap.TrainBase(profile, basePath, cancellation), cancellation);
            var scratch = Directory.CreateTempSubdirectory("da-bootstrap-");
            try
            {
                await using var services = DataCommand.Retrieval(scratch.FullName);
                await services.GetRequiredService<CorpusIngestor>().IngestFolderAsync(profile.CorpusFolder, profile.Name, cancellationToken: cancellation);
                await error.WriteLineAsync("bootstrap: laying out grounded examples and tuning the adapter");
                var (data, adapterSummary) = await bootstrap.TrainAdapterAsync(profile, services.GetRequiredService<IRetriever>(),
                    services.GetRequiredService<IChunkCatalog>(), basePath, Path.Combine(scratch.FullName, "grounded.jsonl"), adapterPath, cancellation);
                // The optimizer checkpoint resumes pretraining; a served model does not need it.
                var checkpoint = Path.Combine(basePath, "checkpoint");
                if (Directory.Exists(checkpoint)) Directory.Delete(checkpoint, recursive: true);
                var record = new { domain = profile.Name, recipe, data, @base = baseSummary, adapter = adapterSummary, finished_at = DateTimeOffset.UtcNow };
                await File.WriteAllTextAsync(Path.Combine(folder, "training.json"), JsonSerializer.Serialize(record, Json), cancellation);
                FolderChecksums.Write(folder);
                var stdout = parse.InvocationConfiguration.Output;
                await stdout.WriteLineAsync(parse.GetValue(json)
                    ? JsonSerializer.Serialize(record, Compact)
                    : FormattableString.Invariant($"{profile.Name}: base held-out loss {baseSummary.EvalLossAfter:F3}, adapter held-out loss {adapterSummary.EvalLossBefore:F3} -> {adapterSummary.EvalLossAfter:F3} on {data.Total} grounded examples -> {folder}"));
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
            return 0;
        }));
        return command;
    }
}
