namespace DomainAssistant.Contracts;

/// <summary>
/// How the API's served model embeds (pooled hidden states of its base weights), so a host that has not loaded it
/// builds the very same embedder from the same files: the same weights, tokenizer, precision and cut, hence the same
/// model id and the same vectors. Both hosts see the same files (the shared data folder, or a shipped domain's folder).
/// </summary>
/// <param name="Checkpoint">The served base: a llama2.c <c>.bin</c> or a Hugging Face folder.</param>
/// <param name="Tokenizer">Its tokenizer file or folder; null: the one the checkpoint brings.</param>
/// <param name="DType">"float32" or "bfloat16", as the API loaded it (<c>Model:DType</c>).</param>
/// <param name="MaxTokens">Tokens per text at most; longer texts are cut (the API's context length).</param>
public sealed record EmbeddingModelFiles(string Checkpoint, string? Tokenizer, string DType, int MaxTokens);
