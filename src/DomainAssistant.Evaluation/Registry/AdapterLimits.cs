namespace DomainAssistant.Evaluation.Registry;

/// <summary>
/// What an uploaded adapter package may hold. An archive is untrusted input: its declared sizes can lie and a small
/// zip can expand enormously, so every limit is counted on the bytes actually written.
/// </summary>
public sealed record AdapterLimits
{
    /// <summary>Bytes of all files of one adapter together, once extracted.</summary>
    public long MaxExtractedBytes { get; init; } = 1L << 30;

    /// <summary>Entries in the archive (files and folders).</summary>
    public int MaxEntries { get; init; } = 16;
}
