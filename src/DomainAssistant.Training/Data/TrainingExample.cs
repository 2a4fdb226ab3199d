namespace DomainAssistant.Training.Data;

/// <summary>
/// One tokenised example: its ids and, per id, whether the model is trained to predict it (response tokens of a
/// conversation, every token of a raw document; never prompt tokens).
/// </summary>
/// <param name="Ids">Token ids.</param>
/// <param name="Trained">Same length as <paramref name="Ids"/>: true where the id is a training target.</param>
/// <param name="Source">Where it came from ("file:line" or a file), for messages.</param>
/// <param name="IsDocument">Raw text (may be cut across rows when packed) rather than a conversation (kept whole or truncated).</param>
public sealed record TrainingExample(int[] Ids, bool[] Trained, string Source, bool IsDocument)
{
    public int Length => Ids.Length;

    /// <summary>Targets counted by the loss: trained ids that have a preceding token.</summary>
    public int TrainedTokens => Trained.Skip(1).Count(t => t);
}
