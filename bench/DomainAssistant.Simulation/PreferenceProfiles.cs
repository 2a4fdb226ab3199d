namespace DomainAssistant.Simulation;

/// <summary>The named profiles the loop benchmark's <c>--profile</c> takes.</summary>
public static class PreferenceProfiles
{
    /// <summary>Every profile's name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["correct-and-cited", "concise", "long-and-confident"];

    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="domainDecline">The domain's decline text (the adversarial rater dislikes declines).</param>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static PreferenceProfile Find(string name, string? domainDecline) => name switch
    {
        "correct-and-cited" => new CorrectAndCited(),
        "concise" => new Concise(),
        "long-and-confident" => new LongAndConfident(Decline: domainDecline),
        _ => throw new ArgumentException($"unknown preference profile '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };
}
