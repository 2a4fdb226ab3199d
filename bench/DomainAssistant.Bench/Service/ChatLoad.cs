using System.Diagnostics;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// Closed-loop load on <c>POST /api/chat</c>: <c>clients</c> concurrent clients, each sending its next question as soon
/// as its previous answer ended, until <c>requests</c> questions (the held-out set, cycled) are answered.
/// </summary>
public static class ChatLoad
{
    /// <param name="Clients">Concurrent clients.</param>
    /// <param name="Requests">Questions answered at this level.</param>
    /// <param name="Errors">Requests that failed (HTTP status, error event, no done event, transport error).</param>
    /// <param name="FirstTokenP50Ms">Time to first token, median, in ms.</param>
    /// <param name="FirstTokenP95Ms">Time to first token, 95th percentile (nearest rank), in ms.</param>
    /// <param name="LatencyP50Ms">Whole answer, median, in ms.</param>
    /// <param name="TokenEvents">Token events received at this level.</param>
    /// <param name="Seconds">Wall time of the level.</param>
    /// <param name="FirstError">One error message, for the report; null when none.</param>
    public sealed record Level(int Clients, int Requests, int Errors, double FirstTokenP50Ms, double FirstTokenP95Ms, double LatencyP50Ms,
        long TokenEvents, double Seconds, string? FirstError)
    {
        /// <summary>Aggregate tokens per second over the level's wall time.</summary>
        public double TokensPerSecond => TokenEvents / Seconds;
    }

    public static async Task<Level> RunAsync(HttpClient http, SampleDomain domain, int clients, int requests)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(domain);
        var samples = new ChatSample[requests];
        var next = -1;
        async Task ClientAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
                samples[i] = await StreamingChat.AskAsync(http, domain.HeldOut[i % domain.HeldOut.Count].Question, domain.Name);
        }
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(ClientAsync)));
        wall.Stop();

        var answered = samples.Where(s => s.Error is null).ToList();
        var firstTokens = answered.Where(s => s.FirstToken is not null).Select(s => s.FirstToken!.Value.TotalMilliseconds).ToList();
        return new Level(clients, requests, samples.Count(s => s.Error is not null),
            Percentile.Of(firstTokens, 50), Percentile.Of(firstTokens, 95), Percentile.Of(answered.Select(s => s.Total.TotalMilliseconds), 50),
            samples.Sum(s => (long)s.TokenEvents), wall.Elapsed.TotalSeconds, samples.FirstOrDefault(s => s.Error is not null)?.Error);
    }
}
