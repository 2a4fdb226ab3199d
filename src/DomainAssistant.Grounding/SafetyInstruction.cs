namespace DomainAssistant.Grounding;

/// <summary>
/// What a domain tells users in danger, whatever its documents say (domain.json "safety"): questions that name one
/// of <see cref="Topics"/> ("smoke", "fire", "swelling", "water damage") are answered with <see cref="Instruction"/>.
/// The grounded data teaches it (<see cref="GroundedExampleBuilder"/>); it is not a rule applied at serving time.
/// </summary>
/// <param name="Topics">Words or phrases that make a question a safety question (matched as whole words, any case).</param>
/// <param name="Instruction">The answer, e.g. "Leave the room, call 112 and then the emergency safety line on 0800 555 0199."</param>
public sealed record SafetyInstruction(IReadOnlyList<string> Topics, string Instruction)
{
    /// <summary>Whether <paramref name="question"/> names one of the topics.</summary>
    public bool Concerns(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var words = $" {TextUnits.Normalise(question)} ";
        return Topics.Any(topic => words.Contains($" {TextUnits.Normalise(topic)} ", StringComparison.Ordinal));
    }

    /// <summary>Template questions about each topic, so the instruction is learned from more than the corpus's own wording.</summary>
    public IEnumerable<string> Questions() => Topics.SelectMany(topic => (string[])
    [
        $"What should I do about {topic}?", $"There is {topic}. What do I do?", $"Help, {topic}!", $"Is {topic} dangerous?",
        $"I noticed {topic} near the unit, what now?",
    ]);
}
