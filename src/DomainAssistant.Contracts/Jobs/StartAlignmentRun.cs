namespace DomainAssistant.Contracts;

/// <summary>
/// Starts an alignment run for a domain: its filed feedback exported, a reward model (RLOO) and a policy adapter
/// trained over the domain's served model and adapter, and the new adapter gated against that adapter on the domain's
/// gate suite. Answered by <see cref="JobProgressed"/> notes, then <see cref="AlignmentRunFinished"/> or
/// <see cref="JobFailed"/>. Sent by an operator's request or by the feedback trigger; a run already finished is not
/// run again when the message comes twice.
/// </summary>
/// <param name="JobId">Names this run; every report about it carries the same id.</param>
/// <param name="Domain">The domain whose feedback is learned from.</param>
/// <param name="Method">"rloo" (reward model, then RLOO) or "kto" (straight from thumbs).</param>
/// <param name="RequestedBy">Who started it: an operator key's name, or "feedback-trigger".</param>
/// <param name="MaxMinutes">Wall-clock budget of the policy training; null: the worker's setting.</param>
/// <param name="MinVotes">Fewest usable votes to train on; null: the worker's setting.</param>
/// <param name="Seed">Seed of initialisation, splits and sampling; null: the worker's setting.</param>
public sealed record StartAlignmentRun(Guid JobId, string Domain, string Method, string RequestedBy, double? MaxMinutes = null, int? MinVotes = null,
    ulong? Seed = null)
{
    /// <summary>Reward model, then RLOO against it.</summary>
    public const string Rloo = "rloo";

    /// <summary>KTO straight from thumbs.</summary>
    public const string Kto = "kto";

    /// <summary>True for a method a run knows.</summary>
    public static bool IsMethod(string? method) => method is Rloo or Kto;
}
