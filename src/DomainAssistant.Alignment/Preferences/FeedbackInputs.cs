using DomainAssistant.Alignment.Policy;

namespace DomainAssistant.Alignment.Preferences;

/// <summary>
/// What the trainers that learn from votes (reward model, KTO) train from, loaded from paths by their callers (`da
/// align`, the alignment job, bench) through this one loader. Disposing frees the model.
/// </summary>
/// <param name="Start">The base and the starting adapter.</param>
/// <param name="Feedback">The votes to learn from.</param>
/// <param name="HeldOut">Votes to evaluate on (reward model), or null.</param>
public sealed record FeedbackInputs(StartingModel Start, FeedbackPreferences Feedback, FeedbackPreferences? HeldOut) : IDisposable
{
    /// <summary>
    /// Reads the feedback, refusing a window too thin to learn from before any model is loaded (minutes saved, and
    /// the message says how many votes are needed); then loads the base and the starting adapter.
    /// </summary>
    /// <param name="modelPath">Base model folder.</param>
    /// <param name="adapterPath">PEFT adapter the run starts from; null: a fresh LoRA.</param>
    /// <param name="feedbackPath">Feedback file (see <see cref="Feedback.FeedbackFile"/>).</param>
    /// <param name="heldOutPath">Feedback file to evaluate on; null: none (the reward model then splits the training file by prompt).</param>
    /// <param name="preferences">The run's filters and minimum, applied to both files.</param>
    public static FeedbackInputs Load(string modelPath, string? adapterPath, string feedbackPath, string? heldOutPath, PreferenceOptions preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        var feedback = FeedbackPreferences.Read(feedbackPath, preferences);
        feedback.Preferences.EnsureEnough(preferences);
        var heldOut = heldOutPath is null ? null : FeedbackPreferences.Read(heldOutPath, preferences);
        return new FeedbackInputs(StartingModel.Load(modelPath, adapterPath), feedback, heldOut);
    }

    public void Dispose() => Start.Dispose();
}
