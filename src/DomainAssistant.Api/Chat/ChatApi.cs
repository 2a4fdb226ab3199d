using System.Text.Json.Serialization;
using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Http;
using DomainAssistant.Grounding;
using DomainAssistant.Storage.Conversations;
using DomainAssistant.Storage.PostgreSql;

namespace DomainAssistant.Api.Chat;

/// <summary>
/// <c>POST /api/chat</c>: streams a grounded answer as server-sent events (<c>{"type":"token","text"}</c> per piece, then
/// one <c>{"type":"done",...}</c>); <c>GET /api/conversations/{id}</c>: a conversation's messages.
/// </summary>
public static partial class ChatApi
{
    /// <summary>Longest question accepted, in characters.</summary>
    public const int MaxMessageLength = 8_000;

    /// <summary>Longest domain name a request may give.</summary>
    public const int MaxDomainLength = 128;

    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/chat", PostChatAsync).WithName("Chat").RequireAuthorization(Policies.Chat);
        app.MapGet("/api/conversations/{id:guid}", GetConversationAsync).WithName("Conversation").RequireAuthorization(Policies.Chat);
        return app;
    }

    /// <summary>The body of <c>POST /api/chat</c>.</summary>
    public sealed record ChatRequest(string? Message, Guid? ConversationId, string? Domain);

    /// <summary>A piece of the answer: <c>{"type":"token","text"}</c>.</summary>
    public sealed record TokenEvent(string Text)
    {
        [JsonPropertyOrder(-1)] public string Type => "token";
    }

    /// <summary>
    /// The end: the stored message's id, its conversation, the chunks its [n] markers cite (<c>uncited</c> when none;
    /// <c>droppedMarkers</c> counts numbers that named no chunk), and the adapter and flag variant that answered.
    /// </summary>
    public sealed record DoneEvent(Guid MessageId, Guid ConversationId, IReadOnlyList<CitationRecord> Citations, bool Uncited, int DroppedMarkers,
        string? Adapter, string? Variant)
    {
        [JsonPropertyOrder(-1)] public string Type => "done";
    }

    /// <summary>The answer broke off after streaming began (the status line was already sent).</summary>
    public sealed record ErrorEvent(string Message)
    {
        [JsonPropertyOrder(-1)] public string Type => "error";
    }

    static async Task<IResult> PostChatAsync(HttpContext context, ChatPipeline pipeline, DomainCatalog domains, IConversationStore conversations,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<ChatRequest>(context.Request, cancellationToken);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(request!.Message)) return Problems.Invalid("message", "message must be a non-empty string.");
        if (request.Message.Length > MaxMessageLength) return Problems.Invalid("message", $"message must be at most {MaxMessageLength} characters.");
        // Stored with the turn: in the scale-out mode it would fail like an outage.
        if (PostgresText.HasNul(request.Message)) return Problems.Invalid("message", $"message {PostgresText.NoNul}.");
        if (request.Domain is { Length: > MaxDomainLength }) return Problems.Invalid("domain", $"domain must be at most {MaxDomainLength} characters.");

        var userId = CallerIdentity.UserId(context);
        var (place, missing) = await ConversationPlace.ResolveAsync(request.ConversationId, request.Domain, userId, domains, conversations, cancellationToken);
        if (missing is not null) return missing;
        var turn = new ChatTurn(place!.Domain, place.Conversation, place.History, request.Message.Trim(),
            userId ?? place.Conversation.Id.ToString("N"), new SamplingOverrides());
        PreparedTurn prepared;
        try
        {
            prepared = await pipeline.PrepareAsync(turn, cancellationToken);
        }
        catch (NotReadyException error)
        {
            return Problems.NotReady(context, error.Message);
        }
        catch (PromptTooLongException error)
        {
            return Problems.Invalid("message", error.Message);
        }
        await conversations.AddUserMessageAsync(place.Conversation.Id, turn.Question, cancellationToken);
        await StreamAsync(context, pipeline, prepared, loggers.CreateLogger(typeof(ChatApi)), cancellationToken);
        return Results.Empty;
    }

    static async Task StreamAsync(HttpContext context, ChatPipeline pipeline, PreparedTurn prepared, ILogger logger, CancellationToken cancellationToken)
    {
        var events = await ServerSentEvents.StartAsync(context, cancellationToken);
        try
        {
            await foreach (var update in pipeline.AnswerAsync(prepared, cancellationToken))
            {
                if (update.Done is not { } done)
                {
                    await events.WriteAsync(new TokenEvent(update.Text!), cancellationToken);
                    continue;
                }
                var message = done.Message;
                await events.WriteAsync(new DoneEvent(message.Id, message.ConversationId, done.Citations.Cited, done.Citations.Uncited,
                    done.Citations.DroppedMarkers, message.Adapter, message.Variant), cancellationToken);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The status line is gone already: the failure travels as a last event.
            LogFailedMidStream(logger, error, prepared.Turn.Conversation.Id);
            await events.WriteAsync(new ErrorEvent("The answer could not be completed."), CancellationToken.None);
        }
    }

    static async Task<IResult> GetConversationAsync(Guid id, IConversationStore conversations, CancellationToken cancellationToken)
    {
        var conversation = await conversations.FindAsync(id, cancellationToken);
        if (conversation is null) return Problems.NotFound($"No conversation has id {id}.");
        var messages = await conversations.ReadMessagesAsync(id, cancellationToken);
        return Results.Ok(new { conversation.Id, conversation.Domain, conversation.CreatedAt, Messages = messages });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Answering in conversation {ConversationId} failed mid-stream")]
    static partial void LogFailedMidStream(ILogger logger, Exception error, Guid conversationId);
}
