using DomainAssistant.Grounding;
using System.Text.Json;
using DomainAssistant.Api.Chat;
using DomainAssistant.Api.Domains;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Citations;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Api.Models;

/// <summary>
/// A domain's Q/A pairs as the chat turns the model will be served: the system message carries the retrieved context
/// numbered as chat numbers it (<see cref="GroundedPrompt"/>), and the answer cites the chunk of its source document,
/// so the SFT adapter learns to answer from context and to cite.
/// </summary>
public static class GroundedQa
{
    /// <summary>Chunks retrieved per question when looking for one from the answer's source document.</summary>
    const int Candidates = 8;

    /// <summary>Writes one <c>{"messages": [...]}</c> line per usable pair to <paramref name="outputPath"/>; returns how many.</summary>
    /// <param name="domain">Its Q/A file and system prompt.</param>
    /// <param name="retriever">Finds each question's context, as chat does.</param>
    /// <param name="contextChunks">Chunks per example at most.</param>
    /// <param name="fits">Whether a conversation fits one training row; context is dropped until it does, so the answer is never cut off.</param>
    /// <param name="outputPath">The JSON Lines file to write.</param>
    /// <param name="cancellationToken">Stops between pairs.</param>
    public static async Task<int> WriteAsync(DomainProfile domain, IRetriever retriever, int contextChunks, Func<IReadOnlyList<ChatMessage>, bool> fits,
        string outputPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(fits);
        var lines = new List<string>();
        foreach (var line in await File.ReadAllLinesAsync(domain.TrainQaPath!, cancellationToken))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var pair = JsonSerializer.Deserialize<QaPair>(line, Json);
            if (pair?.Question is not { Length: > 0 } question || pair.Answer is not { Length: > 0 } answer) continue;
            var retrieved = await retriever.RetrieveAsync(question, domain.Name, Candidates, cancellationToken);
            var source = SourceOf(domain, pair.Source);
            IReadOnlyList<ChatMessage> turn;
            var chunks = contextChunks;
            do
            {
                var (context, cited) = Context(retrieved, source, chunks);
                var reply = cited is { } n ? $"{answer} [{n}]" : answer;
                turn = [ChatMessage.System(GroundedPrompt.SystemMessage(domain.SystemPrompt, context)), ChatMessage.User(question), ChatMessage.Assistant(reply)];
            }
            while (!fits(turn) && chunks-- > 0);
            var messages = turn.Select(m => new { role = m.Role, content = m.Content });
            lines.Add(JsonSerializer.Serialize(new { messages }));
        }
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        await File.WriteAllLinesAsync(outputPath, lines, cancellationToken);
        return lines.Count;
    }

    /// <summary>The top chunks, with one from the source document swapped in when retrieval ranked it lower; and its number.</summary>
    static (CitationMap Context, int? Cited) Context(IReadOnlyList<RetrievedChunk> retrieved, string? source, int count)
    {
        var context = retrieved.Take(count).Select(r => r.Chunk).ToList();
        var fromSource = source is null ? null : retrieved.Select(r => r.Chunk).FirstOrDefault(c => c.SourcePath == source);
        if (fromSource is null || count == 0) return (new CitationMap(context), null);
        if (!context.Contains(fromSource))
        {
            if (context.Count == count) context[^1] = fromSource;
            else context.Add(fromSource);
        }
        return (new CitationMap(context), context.IndexOf(fromSource) + 1);
    }

    /// <summary>The Q/A file names its source relative to the domain folder; chunks name it relative to the corpus folder.</summary>
    static string? SourceOf(DomainProfile domain, string? source) => source is null
        ? null
        : Path.GetRelativePath(domain.CorpusFolder, Path.GetFullPath(Path.Combine(domain.Folder, source))).Replace(Path.DirectorySeparatorChar, '/');

    sealed record QaPair(string? Question, string? Answer, string? Source);

    static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
}
