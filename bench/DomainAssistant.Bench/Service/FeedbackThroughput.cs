using System.Diagnostics;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.ServiceDefaults.Bus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// Feedback end to end through the feedback path as the host registers it (service defaults, <c>AddAssistantBus</c> with the filing consumer, <c>AddFeedbackRecording</c>): each feedback is stored
/// by <see cref="FeedbackRecorder"/> (SQLite), published by the outbox (with publisher confirms on RabbitMQ) and filed
/// by the consumer into the training-examples inbox. The clock runs from the first store to the last filing.
/// </summary>
public static class FeedbackThroughput
{
    /// <summary>Queue of the benchmark's consumer, apart from the one the host and the tests use.</summary>
    const string Queue = "bench-feedback-submitted";

    const int WarmupMessages = 50;

    /// <param name="Transport">"RabbitMq" or "InMemory".</param>
    /// <param name="Messages">Feedbacks measured (after a warm-up the figures leave out).</param>
    /// <param name="Filed">Of those, how many the inbox holds at the end (must equal <paramref name="Messages"/>: each filed once).</param>
    /// <param name="StoredSeconds">Until the last one was stored.</param>
    /// <param name="PublishedSeconds">Until none was left pending (every publish confirmed).</param>
    /// <param name="FiledSeconds">Until the last one was filed.</param>
    /// <param name="LatencyP50Ms">Per feedback, from its creation to its filing, median.</param>
    /// <param name="LatencyP95Ms">The same, 95th percentile.</param>
    /// <param name="MessageBytes">Characters of prompt and response each feedback carries.</param>
    public sealed record Result(string Transport, int Messages, int Filed, double StoredSeconds, double PublishedSeconds, double FiledSeconds,
        double LatencyP50Ms, double LatencyP95Ms, int MessageBytes)
    {
        public double MessagesPerSecond => Messages / FiledSeconds;
    }

    /// <param name="rabbitMq">Host and port of a RabbitMQ broker; null for the in-memory transport.</param>
    /// <param name="messages">How many feedbacks to measure.</param>
    public static async Task<Result> MeasureAsync((string Host, int Port)? rabbitMq, int messages)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("da-bench-feedback-");
        try
        {
            using var host = Build(rabbitMq, dataDirectory.FullName);
            await host.StartAsync();
            try
            {
                var recorder = host.Services.GetRequiredService<FeedbackRecorder>();
                var store = host.Services.GetRequiredService<IFeedbackStore>();
                var inbox = host.Services.GetRequiredService<IFeedbackInbox>();
                await SubmitAndWaitAsync(recorder, inbox, WarmupMessages, WarmupMessages); // connections, JIT, SQLite files
                return await MeasureRunAsync(rabbitMq is null ? "InMemory" : "RabbitMq", recorder, store, inbox, messages);
            }
            finally
            {
                await host.StopAsync();
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dataDirectory.Delete(recursive: true);
        }
    }

    static async Task<Result> MeasureRunAsync(string transport, FeedbackRecorder recorder, IFeedbackStore store, IFeedbackInbox inbox, int messages)
    {
        var clock = Stopwatch.StartNew();
        var expected = WarmupMessages + messages;
        var ids = await SubmitAsync(recorder, messages);
        var stored = clock.Elapsed;
        TimeSpan? published = null;
        while (await inbox.CountAsync() < expected)
        {
            if (published is null && await store.CountPendingAsync() == 0) published = clock.Elapsed;
            await Task.Delay(5);
        }
        var filedAt = clock.Elapsed;
        published ??= filedAt;

        await Task.Delay(500); // a duplicate filing would show up here
        var rows = await inbox.ReadAsync(0, expected + 100);
        var ours = rows.Where(r => ids.Contains(r.Feedback.FeedbackId)).ToList();
        var latencies = ours.Select(r => (r.FiledAt - r.Feedback.At).TotalMilliseconds).ToList();
        return new Result(transport, messages, ours.Count, stored.TotalSeconds, published.Value.TotalSeconds, filedAt.TotalSeconds,
            Percentile.Of(latencies, 50), Percentile.Of(latencies, 95), Prompt.Length + Response.Length);
    }

    static async Task SubmitAndWaitAsync(FeedbackRecorder recorder, IFeedbackInbox inbox, int messages, long expected)
    {
        await SubmitAsync(recorder, messages);
        while (await inbox.CountAsync() < expected) await Task.Delay(5);
    }

    /// <summary>Stores feedbacks one after another, as a stream of users would; the outbox publishes behind them.</summary>
    static async Task<HashSet<Guid>> SubmitAsync(FeedbackRecorder recorder, int messages)
    {
        var ids = new HashSet<Guid>();
        for (var i = 0; i < messages; i++)
        {
            var feedback = new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(), i % 3 == 0 ? FeedbackRating.Down : FeedbackRating.Up,
                i % 3 == 0 ? "wrong error code" : null, i % 3 == 0 ? ["wrong"] : [], Prompt, ["chunk-1", "chunk-2", "chunk-3", "chunk-4", "chunk-5"],
                Response, "bench-model", null, null, null, "tidewell-support", DateTimeOffset.UtcNow);
            await recorder.SubmitAsync(feedback);
            ids.Add(feedback.FeedbackId);
        }
        return ids;
    }

    static IHost Build((string Host, int Port)? rabbitMq, string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Bus:Transport"] = rabbitMq is null ? "InMemory" : "RabbitMq",
            ["Bus:FeedbackQueue"] = Queue,
        };
        if (rabbitMq is { } broker)
        {
            settings["Bus:RabbitMq:Host"] = broker.Host;
            settings["Bus:RabbitMq:Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        var host = builder.AddServiceDefaults();
        var feedback = FeedbackBusOptions.From(builder.Configuration);
        builder.Services.AddAssistantBus(builder.Configuration, !host.Jobs.RunInProcess,
            bus => bus.AddFeedbackFiling(feedback, host.Storage.TrainingExamplesDatabase), FeedbackBusOptions.Keys);
        builder.Services.AddFeedbackRecording(feedback, host.Storage.FeedbackDatabase);
        return builder.Build();
    }

    // About the size of a real grounded prompt (system prompt and five chunks) and a short answer.
    static readonly string Prompt = string.Concat(Enumerable.Repeat("Context: the Cell 10 stores 10.2 kWh and pairs with a Hub H5 or H8. ", 60));
    static readonly string Response = "The Cell 10 stores 10.2 kWh of usable energy [1].";
}
