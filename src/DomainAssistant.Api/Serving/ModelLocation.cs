namespace DomainAssistant.Api.Serving;

/// <summary>What to load: a checkpoint, its tokenizer and the adapters to keep resident.</summary>
/// <param name="Path">A Hugging Face folder or a llama2.c .bin.</param>
/// <param name="Tokenizer">Tokenizer file or folder when it is not beside the model; null = beside it.</param>
/// <param name="Name">The model's name in responses and lineage.</param>
/// <param name="Adapters">PEFT folders by adapter name.</param>
/// <param name="DefaultAdapter">The adapter served when no flag variant says otherwise; null = the base model.</param>
public sealed record ModelLocation(string Path, string? Tokenizer, string Name, IReadOnlyDictionary<string, string> Adapters, string? DefaultAdapter);
