namespace DomainAssistant.Alignment.Preferences;

/// <summary>Two answers to the same prompt, one voted up (chosen), one voted down (rejected): a Bradley-Terry pair.</summary>
public sealed record PreferencePair(string Prompt, string Chosen, string Rejected);
