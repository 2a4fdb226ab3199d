using System.Text.Json;
using DomainAssistant.Retrieval.Lexical;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// What the model actually saw: the chunks the prompt composer kept (it drops retrieved chunks until the prompt and the
/// answer fit the model's context), read from the host's own files in the data folder the benchmark gave it
/// (conversations.db's lineage column and the retrieval index's chunk catalog). This is the diagnostic that separates
/// "retrieval missed" from "the context had no room".
/// </summary>
public static class PromptContext
{
    /// <param name="Answers">Answers looked up.</param>
    /// <param name="MeanChunks">Mean chunks in the prompt.</param>
    /// <param name="WithSource">Answers whose prompt held a chunk of the pair's source document.</param>
    /// <param name="Documents">Per stored message: the document of each chunk in its prompt, in prompt order ([1] first).</param>
    public sealed record Result(int Answers, double MeanChunks, int WithSource, IReadOnlyDictionary<Guid, IReadOnlyList<string>> Documents);

    /// <param name="hostDataDirectory">The host's <c>Storage:DataDirectory</c>.</param>
    /// <param name="answers">Each stored assistant message id with the document that answers its question.</param>
    public static async Task<Result> ReadAsync(string hostDataDirectory, IReadOnlyList<(Guid MessageId, string DocumentId)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var catalog = new SqliteLexicalIndex(Path.Combine(hostDataDirectory, "retrieval", "lexical.db"));
        await using var conversations = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(hostDataDirectory, "conversations.db"), Mode = SqliteOpenMode.ReadOnly,
        }.ToString());
        await conversations.OpenAsync();
        int chunks = 0, withSource = 0;
        var documents = new Dictionary<Guid, IReadOnlyList<string>>();
        foreach (var (messageId, documentId) in answers)
        {
            await using var select = conversations.CreateCommand();
            select.CommandText = "SELECT retrieved_chunk_ids FROM messages WHERE id = $id";
            select.Parameters.AddWithValue("$id", messageId.ToString("D"));
            var ids = await select.ExecuteScalarAsync() is string json ? JsonSerializer.Deserialize<string[]>(json) ?? [] : [];
            chunks += ids.Length;
            var found = await catalog.GetChunksAsync(ids);
            var inPrompt = ids.Select(id => found.TryGetValue(id, out var chunk) ? chunk.DocumentId : $"(chunk {id} not in the catalog)").ToList();
            documents[messageId] = inPrompt;
            if (inPrompt.Contains(documentId)) withSource++;
        }
        return new Result(answers.Count, answers.Count == 0 ? 0 : (double)chunks / answers.Count, withSource, documents);
    }
}
