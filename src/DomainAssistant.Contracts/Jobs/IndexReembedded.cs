namespace DomainAssistant.Contracts;

/// <summary>
/// A re-embedding (<see cref="ReembedIndex"/>) finished: the target space's vectors are complete on disk and recorded
/// as the index's space. Every API process reads them again when it gets this; the one that asked switches to them.
/// </summary>
/// <param name="JobId">The run.</param>
/// <param name="ModelId">The space the index holds now: its model id ...</param>
/// <param name="Dimensions">... and vector length.</param>
/// <param name="Documents">Documents whose chunks were embedded.</param>
/// <param name="Chunks">Chunks embedded.</param>
public sealed record IndexReembedded(Guid JobId, string ModelId, int Dimensions, int Documents, int Chunks);
