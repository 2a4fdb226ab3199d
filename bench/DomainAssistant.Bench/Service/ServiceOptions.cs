using System.Globalization;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// The <c>service</c> mode's arguments:
/// <code>
/// service [--domain NAME] [--model HF_FOLDER [--adapter NAME=FOLDER]... [--default-adapter NAME]] [--setting KEY=VALUE]...
///         [--levels 1:16,4:32,16:48] [--feedback 1000] [--questions N] [--parts recall,accuracy,declines,chat,feedback] [--quick]
/// </code>
/// <c>--domain</c> picks the sample domain (default tidewell-support; the host serves it as its default domain);
/// <c>--setting</c> passes one more configuration key to the host (repeatable; e.g. <c>Model:CopyBias=0</c>; a key
/// given twice keeps the last value); <c>--levels</c> lists clients:requests per concurrency level; <c>--questions</c>
/// limits the held-out questions of the accuracy part; <c>--quick</c> is a smoke run (levels 1:2,4:4,16:16,
/// 8 questions, 100 feedbacks).
/// </summary>
public sealed record ServiceOptions
{
    public string Domain { get; init; } = "tidewell-support";
    public string? ModelPath { get; init; }
    public Dictionary<string, string> Adapters { get; init; } = new(StringComparer.Ordinal);
    public string? DefaultAdapter { get; init; }
    public IReadOnlyList<(int Clients, int Requests)> Levels { get; init; } = [(1, 16), (4, 32), (16, 48)];
    public int FeedbackMessages { get; init; } = 1000;
    public int? Questions { get; init; }
    public IReadOnlySet<string> Parts { get; init; } = AllParts;

    /// <summary>Extra configuration keys for the host (<c>--setting KEY=VALUE</c>); they win over the benchmark's own.</summary>
    public Dictionary<string, string> Settings { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>recall (retrieval recall@5), accuracy (held-out accuracy, citations, declines, error sources), declines
    /// (out-of-domain and safety suites), chat (load at each level), feedback (the bus).</summary>
    public static readonly IReadOnlySet<string> AllParts = new HashSet<string>(["recall", "accuracy", "declines", "chat", "feedback"], StringComparer.Ordinal);

    /// <exception cref="ArgumentException">An unknown argument or a malformed value; the message names it.</exception>
    public static ServiceOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ServiceOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--domain" => options with { Domain = Value() },
                "--model" => options with { ModelPath = Value() },
                "--adapter" => options.WithAdapter(Value()),
                "--default-adapter" => options with { DefaultAdapter = Value() },
                "--setting" => options.WithSetting(Value()),
                "--levels" => options with { Levels = ParseLevels(Value()) },
                "--feedback" => options with { FeedbackMessages = Positive("--feedback", Value()) },
                "--questions" => options with { Questions = Positive("--questions", Value()) },
                "--parts" => options with { Parts = ParseParts(Value()) },
                "--quick" => options with { Levels = [(1, 2), (4, 4), (16, 16)], FeedbackMessages = 100, Questions = 8 },
                var unknown => throw new ArgumentException($"unknown argument '{unknown}' for the service benchmark"),
            };
        }
        return options;
    }

    ServiceOptions WithAdapter(string value)
    {
        var at = value.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0 || at == value.Length - 1) throw new ArgumentException($"--adapter takes NAME=FOLDER (got '{value}')");
        Adapters[value[..at]] = value[(at + 1)..];
        return this;
    }

    ServiceOptions WithSetting(string value)
    {
        var at = value.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0) throw new ArgumentException($"--setting takes KEY=VALUE, e.g. Model:CopyBias=0 (got '{value}')");
        var key = value[..at].Trim();
        if (key.StartsWith("Storage:DataDirectory", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("--setting cannot move Storage:DataDirectory: the benchmark gives the host a fresh data folder and reads its lineage there");
        Settings[key] = value[(at + 1)..];
        return this;
    }

    static List<(int, int)> ParseLevels(string value) =>
        [.. value.Split(',').Select(level => level.Split(':') is [var clients, var requests]
            ? (Positive("--levels clients", clients), Positive("--levels requests", requests))
            : throw new ArgumentException($"--levels takes CLIENTS:REQUESTS,... (got '{level}')"))];

    static HashSet<string> ParseParts(string value)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = parts.Except(AllParts).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"--parts knows {string.Join(", ", AllParts)} (got {string.Join(", ", unknown)})");
        return parts;
    }

    static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive whole number (got '{value}')");
}
