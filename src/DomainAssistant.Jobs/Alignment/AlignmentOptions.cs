using DomainAssistant.Contracts;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// How alignment runs are started and sized (section <c>Alignment</c>), read by whichever host runs the job handlers.
/// A run trains over the model the API serves (<see cref="ServedModelFiles"/>) and is gated on
/// <c>{EvalSuites}/{domain}/gate.json</c>.
/// </summary>
public sealed class AlignmentOptions
{
    public const string Section = "Alignment";

    /// <summary>
    /// Start a run of a domain on its own once this many feedbacks of it were filed since its last run (0: never; runs
    /// start only on an operator's request). Default 200: a few times the votes a run needs at least, so each run
    /// learns from a window mostly new to it.
    /// </summary>
    public int RunAfterFeedbacks { get; set; } = 200;

    /// <summary>The method of a run the trigger starts: "rloo" (default) or "kto".</summary>
    public string Method { get; set; } = StartAlignmentRun.Rloo;

    /// <summary>Fewest usable votes a run trains on; fewer fails the run, naming both counts. Default 64.</summary>
    public int MinVotes { get; set; } = 64;

    /// <summary>
    /// Most votes a run trains on: the domain's newest, those on the answers served lately. Each vote carries its prompt
    /// and answer, so without a bound a run's memory and its reward model's time would grow with the whole feedback
    /// history. Default 10,000: fifty windows of <see cref="RunAfterFeedbacks"/>'s default.
    /// </summary>
    public int MaxVotes { get; set; } = 10_000;

    /// <summary>Folder of the gate suites, one sub-folder per domain; default the first "eval-suites" folder found in the working directory or above it, or beside the application or above it.</summary>
    public string? EvalSuites { get; set; }

    /// <summary>Wall-clock budget of the policy training in minutes; the adapter of the last finished step is gated. Default 30.</summary>
    public double MaxMinutes { get; set; } = 30;

    /// <summary>Passes of the reward model over the votes (RLOO). Default 2.</summary>
    public int RewardModelEpochs { get; set; } = 2;

    /// <summary>Passes of KTO over the votes. Default 1.</summary>
    public int KtoEpochs { get; set; } = 1;

    /// <summary>RLOO iterations; 0 (default): one pass over the training prompts.</summary>
    public int RlooIterations { get; set; }

    /// <summary>RLOO answers sampled per prompt (k). Default 4.</summary>
    public int SamplesPerPrompt { get; set; } = 4;

    /// <summary>RLOO prompts per iteration. Default 8.</summary>
    public int PromptsPerIteration { get; set; } = 8;

    /// <summary>Longest answer RLOO samples. Default 64.</summary>
    public int MaxNewTokens { get; set; } = 64;

    /// <summary>Longest prompt + answer scored, in tokens (prompts lose their start). Default 256.</summary>
    public int MaxLength { get; set; } = 256;

    /// <summary>Seed of initialisation, splits, order and sampling. Default 1234.</summary>
    public ulong Seed { get; set; } = 1234;

    /// <summary>Every setting that cannot work, each naming its key; empty when all is well.</summary>
    public IEnumerable<string> Problems()
    {
        if (RunAfterFeedbacks < 0) yield return $"Alignment:RunAfterFeedbacks must be 0 (off) or positive (got {RunAfterFeedbacks})";
        if (!StartAlignmentRun.IsMethod(Method)) yield return $"Alignment:Method must be rloo or kto (got \"{Method}\")";
        if (MinVotes < 2) yield return $"Alignment:MinVotes must be at least 2 (one up, one down) (got {MinVotes})";
        if (MaxVotes < MinVotes) yield return $"Alignment:MaxVotes must be at least Alignment:MinVotes ({MinVotes}) (got {MaxVotes})";
        if (EvalSuites is not null && string.IsNullOrWhiteSpace(EvalSuites)) yield return "Alignment:EvalSuites must name a folder when set";
        if (!(MaxMinutes > 0)) yield return $"Alignment:MaxMinutes must be positive (got {MaxMinutes})";
        if (RewardModelEpochs is < 1 or > 100) yield return $"Alignment:RewardModelEpochs must be between 1 and 100 (got {RewardModelEpochs})";
        if (KtoEpochs is < 1 or > 100) yield return $"Alignment:KtoEpochs must be between 1 and 100 (got {KtoEpochs})";
        if (RlooIterations < 0) yield return $"Alignment:RlooIterations must be 0 (one pass) or positive (got {RlooIterations})";
        if (SamplesPerPrompt is < 2 or > 64) yield return $"Alignment:SamplesPerPrompt must be between 2 and 64 (the baseline needs another answer) (got {SamplesPerPrompt})";
        if (PromptsPerIteration is < 1 or > 4096) yield return $"Alignment:PromptsPerIteration must be between 1 and 4096 (got {PromptsPerIteration})";
        if (MaxNewTokens is < 1 or > 4096) yield return $"Alignment:MaxNewTokens must be between 1 and 4096 (got {MaxNewTokens})";
        if (MaxLength is < 16 or > 8192) yield return $"Alignment:MaxLength must be between 16 and 8192 (got {MaxLength})";
    }

    /// <summary>The gate suites' folder: <see cref="EvalSuites"/>, else the first "eval-suites" found upwards.</summary>
    /// <exception cref="DirectoryNotFoundException">None is set or found.</exception>
    public string EvalSuitesFolder()
    {
        if (EvalSuites is not null) return Path.GetFullPath(EvalSuites);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "eval-suites"))) return Path.Combine(dir.FullName, "eval-suites");
        throw new DirectoryNotFoundException("no eval-suites folder was found above the working directory or the application; set Alignment:EvalSuites.");
    }
}
