using System.Globalization;
using DomainAssistant.Evaluation.Answers;
using static DomainAssistant.Bench.Service.ReportText;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// The <c>service</c> mode: retrieval recall@5, answer accuracy with citations, declines and error sources, the
/// out-of-domain and safety suites, and chat load against the real host over loopback, and feedback throughput over
/// the bus, each printed as a Markdown table for bench/RESULTS.md with the load average it ran under (the machine is
/// shared: a figure means little without it). The host serves the chosen domain as its default, with any
/// <c>--setting</c> keys on top of the benchmark's.
/// </summary>
public static class ServiceBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = ServiceOptions.Parse(args);
        var domain = SampleDomain.Load(options.Domain);
        Console.WriteLine($"## Service ({DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()})\n");
        if (options.Parts.Contains("recall")) await PrintRecallAsync(domain, options.ModelPath, options.Settings);
        if (options.Parts.Overlaps(["accuracy", "declines", "chat"])) await PrintHostPartsAsync(options, domain);
        if (options.Parts.Contains("feedback")) await PrintFeedbackAsync(options.FeedbackMessages);
        return 0;
    }

    static async Task PrintRecallAsync(SampleDomain domain, string? modelPath, IReadOnlyDictionary<string, string> settings)
    {
        var results = await RecallBenchmark.MeasureAsync(domain, k: 5, modelPath, settings);
        var table = new Table("mode", "dense embedder", "questions", "hits", "recall@5");
        foreach (var r in results)
            table.Add(r.Mode.ToString().ToLowerInvariant(), r.Mode == Retrieval.Ranking.RetrievalMode.Lexical ? "-" : r.Embedder, r.Questions, r.Hits, Percent(r.Recall));
        var first = results[0];
        Console.WriteLine($"### Retrieval recall@5 ({domain.Name} held-out questions; {first.Documents} documents, {first.Chunks} chunks; " +
            "SQLite FTS5 BM25, embedded vectors, RRF k=60; dense by the hashing embedder and, with --model, by the model's pooled hidden states)\n");
        Console.WriteLine(table);
        Console.WriteLine($"A hit: one of the top 5 chunks comes from the pair's source document. Load average after: {LoadAverage()}\n");
    }

    static async Task PrintHostPartsAsync(ServiceOptions options, SampleDomain domain)
    {
        using var model = ServedModel.Resolve(options.ModelPath, options.Adapters, options.DefaultAdapter);
        var settings = new Dictionary<string, string>(model.Settings(), StringComparer.OrdinalIgnoreCase)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Domains:Default"] = domain.Name, // requests name the domain too; this makes the host's own default match
            // The load generator's clients are one caller: the per-user limits would measure the limiter, not the service.
            ["RateLimits:ChatStreamsPerUser"] = "1000", ["RateLimits:UserBurst"] = "1000000", ["RateLimits:UserPerMinute"] = "1000000",
            ["RateLimits:ClientBurst"] = "1000000", ["RateLimits:ClientPerMinute"] = "1000000",
        };
        foreach (var (key, value) in options.Settings) settings[key] = value;
        await using var host = await HostProcess.StartAsync(settings, readyTimeout: TimeSpan.FromMinutes(5));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        var extra = options.Settings.Count == 0 ? "no --setting (the host's defaults, Model:CopyBias included)" : string.Join(", ", options.Settings.Select(s => $"{s.Key}={s.Value}"));
        Console.WriteLine($"Host: src/DomainAssistant.Api in its own process on {host.BaseAddress}, serving {model.Label}; default domain {domain.Name}; {extra}.\n");
        if (options.Parts.Contains("accuracy")) await PrintAccuracyAsync(http, host, settings, domain, model, options.Questions);
        if (options.Parts.Contains("declines")) await GroundingReport.PrintSuitesAsync(http, domain);
        if (options.Parts.Contains("chat")) await PrintChatLoadAsync(http, domain, options.Levels);
    }

    static async Task PrintAccuracyAsync(HttpClient http, HostProcess host, IReadOnlyDictionary<string, string> settings, SampleDomain domain,
        ServedModel model, int? questions)
    {
        var r = await AnswerAccuracy.MeasureAsync(http, domain, questions);
        var context = await PromptContext.ReadAsync(host.DataDirectory, r.Stored);
        var table = new Table("questions", "correct (key facts)", "accuracy", "with numbers/codes: correct", "mean token F1", "chunks in prompt (mean)",
            "source document in prompt", "cites the source document", "mean answer tokens", "errors");
        table.Add(r.Questions, r.Correct, Ratio(r.Correct, r.Questions), $"{r.CorrectWithFacts}/{r.WithFacts} ({Ratio(r.CorrectWithFacts, r.WithFacts)})",
            r.MeanTokenF1, context.MeanChunks, Ratio(context.WithSource, context.Answers), Ratio(r.CitingSource, r.Questions), r.MeanCompletionTokens, r.Errors);
        Console.WriteLine($"### Answer accuracy ({domain.Name} held-out questions through POST /v1/chat/completions, temperature 0)\n");
        Console.WriteLine(table);
        if (!model.Meaningful) Console.WriteLine("**Not meaningful:** the served model was never trained on this domain.\n");
        if (r.FirstError is not null) Console.WriteLine($"First error: {r.FirstError}\n");
        var selfCheck = domain.HeldOut.Count(q => KeyFacts.Contains(q.Answer, q.Answer));
        Console.WriteLine($"Correct = the answer holds every number/code of the reference as a whole token, or the whole normalised reference " +
            $"(src/DomainAssistant.Evaluation/Answers/KeyFacts.cs). Scorer check: {selfCheck}/{domain.HeldOut.Count} references score correct against themselves, " +
            $"{domain.HeldOut.Count(q => KeyFacts.Contains("I do not know, please call support.", q.Answer))} credit \"I do not know\", " +
            $"{(domain.Decline is null ? "-" : domain.HeldOut.Count(q => KeyFacts.Contains(domain.Decline, q.Answer)).ToString(CultureInfo.InvariantCulture))} credit the domain's decline.\n");
        foreach (var (question, reference, answer) in r.Examples)
            Console.WriteLine($"- Q: {question} | reference: {reference} | answer: {OneLine(answer)}");
        Console.WriteLine();

        GroundingReport.PrintCitations(domain, CitationPrecision.Of(AnswerAccuracy.Cited(r.Answers)));
        var retrieved = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        await using (var retrieval = HostRetrieval.Open(host.DataDirectory, settings))
        {
            foreach (var answer in r.Answers) retrieved[answer.Question.Id] = await retrieval.DocumentsAsync(domain, answer.Question.Question);
            GroundingReport.PrintErrorSources(domain, ErrorSources.Of(r.Answers, context.Documents, retrieved), retrieval.Exact);
        }
        Console.WriteLine($"Load average after: {LoadAverage()}\n");
    }

    static async Task PrintChatLoadAsync(HttpClient http, SampleDomain domain, IReadOnlyList<(int Clients, int Requests)> levels)
    {
        foreach (var question in domain.HeldOut.Take(2)) await StreamingChat.AskAsync(http, question.Question, domain.Name); // warm-up
        var table = new Table("clients", "requests", "errors", "TTFT p50 ms", "TTFT p95 ms", "answer p50 ms", "tokens", "tokens/s", "load avg");
        string? firstError = null;
        foreach (var (clients, requests) in levels)
        {
            var level = await ChatLoad.RunAsync(http, domain, clients, requests);
            firstError ??= level.FirstError;
            table.Add(level.Clients, level.Requests, level.Errors, level.FirstTokenP50Ms, level.FirstTokenP95Ms, level.LatencyP50Ms,
                level.TokenEvents, level.TokensPerSecond, LoadAverage());
        }
        Console.WriteLine("### Chat over loopback (POST /api/chat, server-sent events; closed loop: each client asks again when its answer ends)\n");
        Console.WriteLine(table);
        Console.WriteLine("TTFT: request sent to first token event. tokens: token events received (one per generated token that completes text). " +
            "tokens/s: all tokens of the level over its wall time.\n");
        if (firstError is not null) Console.WriteLine($"First error: {firstError}\n");
    }

    static async Task PrintFeedbackAsync(int messages)
    {
        var table = new Table("transport", "feedbacks", "filed once", "messages/s", "stored s", "confirmed s", "filed s", "latency p50 ms", "latency p95 ms", "load avg");
        var transports = new List<(string Host, int Port)?> { null };
        if (RabbitMqFromEnvironment() is { } broker) transports.Insert(0, broker);
        foreach (var transport in transports)
        {
            var r = await FeedbackThroughput.MeasureAsync(transport, messages);
            var label = transport is { } b ? $"RabbitMQ {b.Host}:{b.Port}" : "in-memory";
            table.Add(label, r.Messages, r.Filed, r.MessagesPerSecond, r.StoredSeconds, r.PublishedSeconds, r.FiledSeconds, r.LatencyP50Ms, r.LatencyP95Ms, LoadAverage());
        }
        Console.WriteLine($"### Feedback end to end (store in SQLite -> outbox publish{(transports.Count > 1 ? ", publisher confirms on RabbitMQ" : "")} -> consumer files it; " +
            "feedbacks stored one after another, about 4 KB each)\n");
        Console.WriteLine(table);
        if (transports.Count == 1) Console.WriteLine("RABBITMQ_HOST is not set: in-memory transport only (infra/services/rabbitmq.sh start, then source artifacts/services/rabbitmq.env).\n");
        Console.WriteLine("messages/s: feedbacks over the time from the first store to the last filing. latency: the feedback's creation to its filing.\n");
    }

    static (string Host, int Port)? RabbitMqFromEnvironment()
    {
        var host = Environment.GetEnvironmentVariable("RABBITMQ_HOST");
        if (string.IsNullOrWhiteSpace(host)) return null;
        var port = int.TryParse(Environment.GetEnvironmentVariable("RABBITMQ_PORT"), CultureInfo.InvariantCulture, out var p) ? p : 5672;
        return (host, port);
    }
}
