namespace DomainAssistant.Retrieval.Chunking;

/// <summary>How big chunks are and how much consecutive chunks share, in model tokens.</summary>
public sealed class ChunkingOptions
{
    /// <summary>Most tokens in one chunk (default 128: five chunks, the system prompt and an answer fit a 1,024-token context; docs/retrieval.md).</summary>
    public int MaxTokens { get; set; } = 128;

    /// <summary>
    /// Tokens at the end of one chunk repeated at the start of the next, so a sentence cut by a
    /// chunk boundary is still whole in one of them (default 16). At most half of <see cref="MaxTokens"/>.
    /// </summary>
    public int OverlapTokens { get; set; } = 16;

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when the values cannot work.</summary>
    public void Validate(string prefix = "Chunking")
    {
        if (MaxTokens < 8)
            throw new ArgumentException($"{prefix}:MaxTokens must be at least 8, got {MaxTokens}.");
        if (OverlapTokens < 0 || OverlapTokens > MaxTokens / 2)
            throw new ArgumentException(
                $"{prefix}:OverlapTokens must be between 0 and half of MaxTokens ({MaxTokens / 2}), got {OverlapTokens}.");
    }
}
