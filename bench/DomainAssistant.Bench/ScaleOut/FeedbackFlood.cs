using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;

namespace DomainAssistant.Bench.ScaleOut;

/// <summary>
/// Feedbacks posted over HTTP to every API process of the stack in turn, many at once, each with its own feedback id and
/// user (so the per-user rate limit never applies), for one answer the stack served.
/// </summary>
public static class FeedbackFlood
{
    /// <summary>What the stack answered: the ids it accepted (202) and the statuses of the rest.</summary>
    public sealed record Sent(IReadOnlyCollection<Guid> Accepted, IReadOnlyDictionary<string, int> Refused, TimeSpan Elapsed);

    /// <param name="apis">Clients of the API processes (base addresses set).</param>
    /// <param name="messageId">An answer every process can find (the stores are shared).</param>
    /// <param name="count">Feedbacks to post.</param>
    /// <param name="concurrency">Posts in flight at once.</param>
    /// <param name="afterEach">Called with the number accepted so far after each post (a fault is injected from it).</param>
    /// <param name="cancellationToken">Stops posting.</param>
    public static async Task<Sent> PostAsync(IReadOnlyList<HttpClient> apis, Guid messageId, int count, int concurrency,
        Func<int, Task>? afterEach = null, CancellationToken cancellationToken = default)
    {
        var accepted = new ConcurrentBag<Guid>();
        var refused = new ConcurrentDictionary<string, int>();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var id = Guid.NewGuid();
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/feedback")
                {
                    Content = JsonContent.Create(new { messageId, feedbackId = id, rating = i % 3 == 0 ? "down" : "up" }),
                };
                request.Headers.Add("X-User-Id", $"flood-{i:D6}");
                string outcome;
                try
                {
                    using var response = await apis[i % apis.Count].SendAsync(request, cancellationToken);
                    outcome = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (HttpRequestException error)
                {
                    outcome = error.HttpRequestError.ToString();
                }
                if (outcome == "202") accepted.Add(id);
                else refused.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                if (afterEach is not null) await afterEach(accepted.Count);
            }
        }));
        return new Sent([.. accepted], refused, clock.Elapsed);
    }
}
