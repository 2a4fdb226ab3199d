using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Filing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Operators;

/// <summary>What the alignment run tests do to a host: file votes over its bus, start runs, follow a job to its end.</summary>
public static class AlignmentRunCalls
{
    static readonly bool[] UpAndDown = [true, false];
    static readonly bool[] UpOnly = [true];

    /// <summary>A run shrunk to seconds on the scripted model: short sequences, one pass of each trainer, few answers.</summary>
    public static Dictionary<string, string?> FastRuns(int runAfterFeedbacks, int minVotes) => new()
    {
        ["Alignment:RunAfterFeedbacks"] = runAfterFeedbacks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Alignment:MinVotes"] = minVotes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Alignment:EvalSuites"] = Path.Combine(RepositoryFiles.Root, "eval-suites"),
        ["Alignment:MaxLength"] = "96",
        ["Alignment:RewardModelEpochs"] = "1",
        ["Alignment:RlooIterations"] = "1",
        ["Alignment:SamplesPerPrompt"] = "2",
        ["Alignment:PromptsPerIteration"] = "4",
        ["Alignment:MaxNewTokens"] = "8",
    };

    /// <summary>
    /// Publishes votes on the host's bus as the outbox does, <paramref name="prompts"/> prompts with an up vote on a
    /// cited answer and a down vote on an uncited one each (or only up votes), all at once, and waits until all are filed.
    /// </summary>
    public static async Task FileVotesAsync(AssistantHost host, int prompts, bool both = true, int first = 0)
    {
        var bus = host.Services.GetRequiredService<IBus>();
        var inbox = host.Services.GetRequiredService<IFeedbackInbox>();
        var before = await inbox.CountAsync();
        var votes = Enumerable.Range(first, prompts).SelectMany(i => (both ? UpAndDown : UpOnly).Select(up => new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(),
            up ? "up" : "down", null, [], $"When is collection day on street {i}?", ["c1", "c2"], up ? "Tuesday is collection day [1]." : "No idea.", "scripted", null, null,
            null, AssistantHost.Domain, DateTimeOffset.UtcNow))).ToList();
        await Task.WhenAll(votes.Select(v => bus.Publish(v)));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await inbox.CountAsync() < before + votes.Count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {await inbox.CountAsync() - before} of {votes.Count} votes were filed");
            await Task.Delay(50);
        }
    }

    /// <summary>A request carrying the operator's key.</summary>
    public static HttpRequestMessage AsOperator(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AssistantHost.OperatorKey);
        return request;
    }

    public static async Task<HttpResponseMessage> StartAsync(HttpClient client, object body, string? key = AssistantHost.OperatorKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/operator/alignment-runs") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await client.SendAsync(request);
    }

    /// <summary>Polls <c>GET /api/jobs/{id}</c> until the job succeeded or failed; every state seen, the last one last.</summary>
    public static async Task<IReadOnlyList<JsonElement>> FollowAsync(HttpClient client, Guid jobId, TimeSpan timeout)
    {
        var seen = new List<JsonElement>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{jobId}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AssistantHost.OperatorKey);
            using var response = await client.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                seen.Add(job);
                if (job.GetProperty("state").GetString() is "succeeded" or "failed") return seen;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {jobId} did not finish in {timeout}: {(seen.Count == 0 ? "never found" : seen[^1].ToString())}");
            await Task.Delay(200);
        }
    }
}
