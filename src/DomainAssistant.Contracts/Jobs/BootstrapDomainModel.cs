namespace DomainAssistant.Contracts;

/// <summary>
/// Starts the bootstrap of a domain's model: a small base pretrained on its corpus, a reader and a grounded LoRA
/// adapter tuned on grounded examples, built (or found built earlier) under the storage folder both hosts share.
/// Sent once the domain's retrieval index is ready: the grounded examples are laid out with it. Answered by
/// <see cref="JobProgressed"/> notes, then <see cref="DomainModelBootstrapped"/> or <see cref="JobFailed"/>.
/// </summary>
/// <param name="JobId">Names this run; every report about it carries the same id.</param>
/// <param name="Domain">The domain's name.</param>
/// <param name="DomainFolder">The domain's folder (domain.json, corpus, Q/A), as the sender found it; both hosts see the same files.</param>
public sealed record BootstrapDomainModel(Guid JobId, string Domain, string DomainFolder);
