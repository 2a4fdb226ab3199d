using DomainAssistant.Api.Chat;
using DomainAssistant.Api.Http;

namespace DomainAssistant.Api.OpenAi;

/// <summary>
/// A streamed chat completion in OpenAI's format: a first chunk with the role, one chunk per piece of text, a last
/// chunk with the finish reason (and usage, when asked for), then <c>data: [DONE]</c>.
/// </summary>
public static class CompletionChunks
{
    /// <summary>The completion id of a stored answer: "chatcmpl-" and the message id.</summary>
    public static string IdOf(Guid messageId) => $"chatcmpl-{messageId:N}";

    /// <summary>The <c>domain_assistant</c> field of a stored answer.</summary>
    public static AnswerLineage Lineage(AnsweredTurn answered)
    {
        ArgumentNullException.ThrowIfNull(answered);
        var message = answered.Message;
        return new(message.Id, message.ConversationId, answered.Citations.Cited, answered.Citations.Uncited, answered.Citations.DroppedMarkers,
            message.Adapter, message.Variant);
    }

    public static async Task WriteAsync(HttpContext context, ChatPipeline pipeline, PreparedTurn prepared, string model, long created,
        bool includeUsage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var events = await ServerSentEvents.StartAsync(context, cancellationToken);
        // The message id is known only once the answer is stored; until then chunks carry an id of their own.
        var id = IdOf(Guid.NewGuid());
        CompletionChunk Chunk(Delta delta, string? finish) => new(id, "chat.completion.chunk", created, model, [new ChunkChoice(0, delta, finish)]);
        await events.WriteAsync(Chunk(new Delta("assistant", ""), null), cancellationToken);
        await foreach (var update in pipeline.AnswerAsync(prepared, cancellationToken))
        {
            if (update.Done is not { } done)
            {
                await events.WriteAsync(Chunk(new Delta(null, update.Text), null), cancellationToken);
                continue;
            }
            var last = Chunk(new Delta(null, null), done.Message.FinishReason) with { DomainAssistant = Lineage(done) };
            await events.WriteAsync(last, cancellationToken);
            if (includeUsage)
            {
                var usage = new Usage(done.PromptTokens, done.CompletionTokens, done.PromptTokens + done.CompletionTokens);
                await events.WriteAsync(new CompletionChunk(id, "chat.completion.chunk", created, model, [], usage), cancellationToken);
            }
        }
        await events.WriteDataAsync("[DONE]", cancellationToken);
    }
}
