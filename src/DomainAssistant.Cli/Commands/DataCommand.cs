using System.CommandLine;
using System.Text.Json;
using DomainAssistant.Grounding;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `da data grounded` lays out a domain's grounded SFT data: its corpus is indexed with the host's retrieval settings
/// (<see cref="ScratchIndex"/>), and every question is retrieved and composed as chat does (<see cref="GroundedExampleBuilder"/>).
/// `da data drills` draws reading drills from the same index (<see cref="ReadingDrills"/>).
/// </summary>
public static class DataCommand
{
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create() => new("data", "Build training data from a domain.") { Grounded(), Drills() };

    static Command Grounded()
    {
        var domain = new Option<string>("--domain") { Description = "Domain folder (domain.json, corpus/, qa/).", Required = true };
        var model = new Option<string>("--model") { Description = "Model folder whose tokenizer, chat template and context length the prompts are composed for.", Required = true };
        var output = new Option<string>("--out") { Description = "JSON Lines file to write ({\"messages\": [...]} per line).", Required = true };
        var context = new Option<int?>("--context-length") { Description = "Context length the host serves with (default: the model's max_position_embeddings)." };
        var perSentence = new Option<int>("--questions-per-sentence") { Description = "Template questions per corpus sentence (0 = only the Q/A file).", DefaultValueFactory = _ => 2 };
        var maxSentences = new Option<int>("--max-sentence-examples") { Description = "Sentence examples at most.", DefaultValueFactory = _ => 4000 };
        var declineShare = new Option<double>("--decline-share") { Description = "Share of examples whose answer chunks are removed (answer: the decline).", DefaultValueFactory = _ => 0.12 };
        var counterfactual = new Option<double>("--counterfactual-share") { Description = "Share of answered examples whose facts are replaced by other values throughout (copying is then the only way to get them right).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of templates, declines and order.", DefaultValueFactory = _ => 1234 };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object." };
        var command = new Command("grounded", "Grounded SFT data from a domain, composed as the host composes chat prompts (held-out questions never included).")
        {
            domain, model, output, context, perSentence, maxSentences, declineShare, counterfactual, seed, json,
        };
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            var profile = DomainFile.Read(parse.GetRequiredValue(domain));
            var modelFolder = parse.GetRequiredValue(model);
            var tokenizer = TokenizerLoader.Load(modelFolder);
            var contextLength = parse.GetValue(context) ?? ContextLengthOf(modelFolder);
            var options = new GroundedDataOptions
            {
                QuestionsPerSentence = parse.GetValue(perSentence), MaxSentenceExamples = parse.GetValue(maxSentences),
                DeclineShare = parse.GetValue(declineShare), CounterfactualShare = parse.GetValue(counterfactual), Seed = parse.GetValue(seed),
            };
            await using var index = await ScratchIndex.BuildAsync(profile, cancellation);
            var builder = new GroundedExampleBuilder(index.Retriever, index.Catalog, tokenizer, contextLength, options);
            var report = await builder.WriteAsync(profile, HeldOutGuard.For(profile), parse.GetRequiredValue(output), cancellation);
            var stdout = parse.InvocationConfiguration.Output;
            await stdout.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(report, Json)
                : FormattableString.Invariant($"{report.Total} examples ({report.QaPairs} Q/A pairs, {report.Sentences} sentences, {report.Declines} declines of which {report.RetrievalMisses} retrieval misses, {report.QaPairMisses} of Q/A pairs, {report.Safety} safety); {report.HeldOutSkipped} left out as held-out; {report.MeanContextChunks:F2} chunks and {report.MeanPromptTokens:F0} prompt tokens per example -> {parse.GetRequiredValue(output)}"));
            return 0;
        }));
        return command;
    }

    static Command Drills()
    {
        var domain = new Option<string>("--domain") { Description = "Domain folder (domain.json, corpus/, qa/).", Required = true };
        var model = new Option<string>("--model") { Description = "Model folder whose tokenizer, chat template and context length the prompts are composed for.", Required = true };
        var output = new Option<string>("--out") { Description = "JSON Lines file to write ({\"messages\": [...]} per line).", Required = true };
        var context = new Option<int?>("--context-length") { Description = "Context length the host serves with (default: the model's max_position_embeddings)." };
        var defaults = new ReadingDrillOptions();
        var count = new Option<int>("--count") { Description = "Drills to draw.", DefaultValueFactory = _ => defaults.Count };
        var passages = new Option<int>("--max-passages") { Description = "Passages per context at most (each drill draws 1 to this many).", DefaultValueFactory = _ => defaults.MaxPassages };
        var sentences = new Option<int>("--max-sentences") { Description = "Consecutive sentences per passage at most.", DefaultValueFactory = _ => defaults.MaxSentencesPerPassage };
        var followUps = new Option<int>("--follow-ups") { Description = "More questions asked on each drill's context, as later turns.", DefaultValueFactory = _ => defaults.FollowUps };
        var scrambled = new Option<double>("--scrambled-share") { Description = "Share of drills whose words and numbers are changed throughout.", DefaultValueFactory = _ => defaults.ScrambledShare };
        var rate = new Option<double>("--scramble-rate") { Description = "Share of a changed drill's content words replaced.", DefaultValueFactory = _ => defaults.ScrambleRate };
        var declineShare = new Option<double>("--decline-share") { Description = "Share of drills whose context lacks the asked passage (answer: the decline).", DefaultValueFactory = _ => defaults.DeclineShare };
        var seed = new Option<int>("--seed") { Description = "Seed of every draw.", DefaultValueFactory = _ => defaults.Seed };
        var json = new Option<bool>("--json") { Description = "Print the counts as one JSON object." };
        var command = new Command("drills", "Reading drills: short contexts of corpus passages, often with words and numbers changed, a template question about one sentence, answered by quoting it (held-out answers never asked about).")
        {
            domain, model, output, context, count, passages, sentences, followUps, scrambled, rate, declineShare, seed, json,
        };
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            var profile = DomainFile.Read(parse.GetRequiredValue(domain));
            var modelFolder = parse.GetRequiredValue(model);
            var options = new ReadingDrillOptions
            {
                Count = parse.GetValue(count), MaxPassages = parse.GetValue(passages), MaxSentencesPerPassage = parse.GetValue(sentences), FollowUps = parse.GetValue(followUps),
                ScrambledShare = parse.GetValue(scrambled), ScrambleRate = parse.GetValue(rate), DeclineShare = parse.GetValue(declineShare), Seed = parse.GetValue(seed),
            };
            await using var index = await ScratchIndex.BuildAsync(profile, cancellation);
            var drills = new ReadingDrills(TokenizerLoader.Load(modelFolder), parse.GetValue(context) ?? ContextLengthOf(modelFolder), options);
            var examples = await drills.BuildAsync(profile, index.Catalog, HeldOutGuard.For(profile), cancellation);
            await GroundedExampleFile.WriteAsync(examples, parse.GetRequiredValue(output), cancellation);
            var answers = examples.Sum(e => e.Messages.Count(m => m.Role == ChatRoles.Assistant));
            var report = new
            {
                Drills = examples.Count, Answers = answers, Declines = examples.Sum(e => e.Messages.Count(m => m.Role == ChatRoles.Assistant && m.Content == profile.Decline)),
                MeanPassages = examples.Average(e => e.Prompt.Context.Chunks.Count), MeanPromptTokens = examples.Average(e => e.Prompt.PromptTokens),
                Output = parse.GetRequiredValue(output),
            };
            await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(report, Json)
                : FormattableString.Invariant($"{report.Drills} drills, {report.Answers} answers ({report.Declines} declines); {report.MeanPassages:F2} passages and {report.MeanPromptTokens:F0} first-turn prompt tokens per drill -> {report.Output}"));
            return 0;
        }));
        return command;
    }

    static int ContextLengthOf(string modelFolder) =>
        HuggingFaceConfig.Read(Path.Combine(modelFolder, HuggingFaceConfig.FileName)).MaxPositionEmbeddings;
}
