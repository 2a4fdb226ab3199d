using DomainAssistant.Evaluation.Answers;

namespace DomainAssistant.Simulation;

/// <summary>
/// Simulated users asking and rating through the real HTTP API: each of <c>concurrency</c> workers repeatedly picks a
/// user and a question (seeded), asks through <c>/api/chat</c> or <c>/v1/chat/completions</c> (alternating), and
/// files the user's rating when they give one. Tallies are kept per serving variant (the experiment's control and
/// treatment, or "production" outside experiments), so a harness reads the effect without asking the host. Given several
/// API processes (the scale-out stack), each user talks to one of them (<see cref="ApiAffinity"/>).
/// </summary>
public sealed class SimulatedTraffic(IReadOnlyList<AssistantClient> processes, UserPopulation population, QuestionPool pool, PreferenceProfile profile, int seed)
{
    /// <summary>Traffic to one API process.</summary>
    public SimulatedTraffic(AssistantClient client, UserPopulation population, QuestionPool pool, PreferenceProfile profile, int seed)
        : this([client], population, pool, profile, seed)
    {
    }

    /// <summary>The variant name used for answers no experiment served.</summary>
    public const string Production = "production";

    readonly Random _random = new(seed);
    readonly Dictionary<string, TrafficTally> _tallies = new(StringComparer.Ordinal);
    readonly List<string> _errors = [];
    long _turn;

    /// <summary>Answers so far by variant.</summary>
    public IReadOnlyDictionary<string, TrafficTally> Tallies
    {
        get { lock (_tallies) return new Dictionary<string, TrafficTally>(_tallies, StringComparer.Ordinal); }
    }

    /// <summary>Requests that failed (the first few kept with their message), for the report.</summary>
    public IReadOnlyList<string> Errors
    {
        get { lock (_errors) return [.. _errors]; }
    }

    public int ErrorCount { get; private set; }

    /// <summary>Clears the tallies (a new round or phase starts counting from zero).</summary>
    public void Reset()
    {
        lock (_tallies) _tallies.Clear();
    }

    /// <summary>Runs until <paramref name="answers"/> more answers arrived or <paramref name="until"/> says stop (checked after each answer).</summary>
    public async Task RunAsync(int answers, int concurrency, Func<bool>? until = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var remaining = answers;
        async Task Worker()
        {
            while (!cancellationToken.IsCancellationRequested && Interlocked.Decrement(ref remaining) >= 0 && until?.Invoke() != true)
                await TurnAsync(cancellationToken);
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, cancellationToken)));
    }

    async Task TurnAsync(CancellationToken cancellationToken)
    {
        SimulatedUser user;
        SimulatedQuestion question;
        lock (_random) (user, question) = (population.Users[_random.Next(population.Users.Count)], pool.Questions[_random.Next(pool.Questions.Count)]);
        var useChat = Interlocked.Increment(ref _turn) % 2 == 0;
        var client = processes[ApiAffinity.ProcessFor(user.Id, processes.Count)];
        var (answer, error) = useChat ? await client.ChatAsync(user, question.Text, cancellationToken) : await client.CompleteAsync(user, question.Text, cancellationToken);
        if (answer is null)
        {
            Fail(error!);
            return;
        }
        var rating = population.Rate(user, profile, question, answer);
        if (rating is { } up && await client.RateAsync(user, answer.MessageId!.Value, up, cancellationToken) is { } refused)
        {
            Fail(refused);
            rating = null;
        }
        var variant = answer.Variant ?? Production;
        lock (_tallies)
            _tallies[variant] = (_tallies.TryGetValue(variant, out var tally) ? tally : TrafficTally.Empty)
                .Add(answer, rating, profile.Likes(question, answer), KeyFacts.Contains(answer.Text, question.Reference));
    }

    void Fail(string error)
    {
        lock (_errors)
        {
            ErrorCount++;
            if (_errors.Count < 20) _errors.Add(error);
        }
    }
}
