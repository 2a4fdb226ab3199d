using System.Collections.Concurrent;
using System.Diagnostics;
using DomainAssistant.Bench.Service;

namespace DomainAssistant.Bench.ScaleOut;

/// <summary>
/// Closed-loop chat load on the stack for a fixed time: <c>streams</c> clients, spread over the API processes, each a
/// user of its own asking its next held-out question as soon as its answer ended. A client told to wait (429 with
/// <c>Retry-After</c>) waits as a well-behaved one does, so a refusal counts once instead of in a tight loop.
/// </summary>
public static class ChatStreams
{
    /// <param name="Answered">Chats that ended with a done event.</param>
    /// <param name="Errors">Chats that failed (HTTP status, error event, transport error).</param>
    /// <param name="TokenEvents">Token events received over the run.</param>
    /// <param name="FirstTokenMs">Time to first token of each answered chat, in ms.</param>
    /// <param name="Seconds">Wall time.</param>
    /// <param name="FirstError">One error message, for the report; null when none.</param>
    public sealed record Run(int Answered, int Errors, long TokenEvents, IReadOnlyList<double> FirstTokenMs, double Seconds, string? FirstError)
    {
        public double TokensPerSecond => TokenEvents / Seconds;

        public double ErrorRate => Answered + Errors == 0 ? 0 : (double)Errors / (Answered + Errors);
    }

    public static async Task<Run> RunAsync(IReadOnlyList<HttpClient> apis, SampleDomain domain, int streams, TimeSpan duration)
    {
        var samples = new ConcurrentBag<ChatSample>();
        var wall = Stopwatch.StartNew();
        var asked = -1;
        await Task.WhenAll(Enumerable.Range(0, streams).Select(stream => Task.Run(async () =>
        {
            var api = apis[stream % apis.Count];
            while (wall.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref asked);
                var sample = await StreamingChat.AskAsync(api, domain.HeldOut[i % domain.HeldOut.Count].Question, domain.Name,
                    user: $"chat-load-{stream:D3}");
                samples.Add(sample);
                if (sample.RetryAfter is { } wait) await Task.Delay(wait);
            }
        })));
        wall.Stop();
        var answered = samples.Where(s => s.Error is null).ToList();
        return new Run(answered.Count, samples.Count - answered.Count, samples.Sum(s => (long)s.TokenEvents),
            [.. answered.Where(s => s.FirstToken is not null).Select(s => s.FirstToken!.Value.TotalMilliseconds)],
            wall.Elapsed.TotalSeconds, samples.FirstOrDefault(s => s.Error is not null)?.Error);
    }
}
