namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Lays a conversation out as the text a model was fine-tuned on, and says where its replies end: the checkpoint's
/// own jinja rendered (<see cref="JinjaChatTemplate"/>), or a hand-written layout for tokenizers without one;
/// <see cref="ChatTemplateSelector"/> picks.
/// </summary>
public abstract class ChatTemplate
{
    protected ChatTemplate(IEnumerable<int> stopTokenIds) => StopTokenIds = [.. stopTokenIds.Distinct()];

    /// <summary>Short name for logs and tests ("chatml", "llama3", "llama2", "plain").</summary>
    public abstract string Name { get; }

    /// <summary>Whether <see cref="Render"/> writes the BOS token's text itself, so encoding must not add another.</summary>
    public abstract bool RendersBos { get; }

    /// <summary>Text that ends the assistant's turn when it shows up in decoded output.</summary>
    public abstract IReadOnlyList<string> StopStrings { get; }

    /// <summary>Ids that end the assistant's turn (the turn-end token and EOS, where the vocabulary has them).</summary>
    public IReadOnlyList<int> StopTokenIds { get; }

    /// <summary>
    /// Whether a conversation may start with a system message. Some checkpoints' own templates refuse one (Mistral 7B
    /// Instruct v0.1: "Only user and assistant roles are supported!"); the prompt composer then puts the system text at
    /// the head of the first user turn, and `da inspect` says so.
    /// </summary>
    public virtual bool AcceptsSystemRole => true;

    /// <summary>The conversation as prompt text; with <paramref name="addGenerationPrompt"/> it ends where the assistant's reply begins.</summary>
    public abstract string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt);
}
