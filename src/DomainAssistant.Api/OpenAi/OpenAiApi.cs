using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Chat;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Http;
using DomainAssistant.Grounding;
using DomainAssistant.Storage.Conversations;

namespace DomainAssistant.Api.OpenAi;

/// <summary>
/// OpenAI-compatible chat: <c>POST /v1/chat/completions</c> (streaming or not) and <c>GET /v1/models</c>, so existing
/// clients work unmodified. Each domain is a "model"; answers go through the same grounded pipeline as
/// <c>/api/chat</c>, are stored as a conversation (so feedback can name them), and carry the stored message id and
/// citations in an extra <c>domain_assistant</c> field clients may ignore. Errors use OpenAI's error body.
/// </summary>
public static class OpenAiApi
{
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RequireAuthorization(Policies.Chat);
        v1.MapGet("/models", ListModels).WithName("OpenAiModels");
        v1.MapPost("/chat/completions", CompleteAsync).WithName("OpenAiChatCompletions");
        return app;
    }

    static IResult ListModels(DomainCatalog domains, TimeProvider clock) =>
        Results.Json(new ModelList("list", [.. domains.All.Values.Select(d => new ModelCard(d.Name, "model", Created(clock), "domain-assistant"))]));

    static async Task<IResult> CompleteAsync(HttpContext context, ChatPipeline pipeline, DomainCatalog domains, IConversationStore conversations,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (request, bodyError) = await JsonBody.ParseAsync<CompletionRequest>(context.Request, cancellationToken);
        if (bodyError is not null) return Error(bodyError.Status, bodyError.Detail, "invalid_request_error", null, null);
        if (CompletionInput.Read(request!) is not { } input) return Error(400, CompletionInput.Problem(request!), "invalid_request_error", "messages", null);
        var domain = domains.Find(request!.Model ?? domains.Default?.Name);
        if (domain is null) return Error(404, $"The model '{request.Model}' does not exist; GET /v1/models lists them.", "invalid_request_error", "model", "model_not_found");

        var userId = CallerIdentity.UserId(context) ?? (string.IsNullOrWhiteSpace(request.User) ? null : request.User.Trim());
        var conversation = await conversations.StartAsync(domain.Name, userId, cancellationToken);
        var turn = new ChatTurn(domain, conversation, input.History, input.Question, userId ?? conversation.Id.ToString("N"), input.Sampling, input.Instructions);
        PreparedTurn prepared;
        try
        {
            prepared = await pipeline.PrepareAsync(turn, cancellationToken);
        }
        catch (NotReadyException error)
        {
            context.Response.Headers.RetryAfter = "5";
            return Error(503, error.Message, "server_error", null, "not_ready");
        }
        catch (PromptTooLongException error)
        {
            return Error(400, error.Message, "invalid_request_error", "messages", "context_length_exceeded");
        }
        await conversations.AddUserMessageAsync(conversation.Id, input.Question, cancellationToken);
        var created = Created(clock);
        if (request.Stream)
        {
            await CompletionChunks.WriteAsync(context, pipeline, prepared, domain.Name, created, request.StreamOptions?.IncludeUsage == true, cancellationToken);
            return Results.Empty;
        }
        AnsweredTurn? done = null;
        await foreach (var update in pipeline.AnswerAsync(prepared, cancellationToken)) done = update.Done ?? done;
        var message = done!.Message;
        return Results.Json(new Completion(CompletionChunks.IdOf(message.Id), "chat.completion", created, domain.Name,
            [new CompletionChoice(0, new ResponseMessage("assistant", message.Content), message.FinishReason)],
            new Usage(done.PromptTokens, done.CompletionTokens, done.PromptTokens + done.CompletionTokens), CompletionChunks.Lineage(done)));
    }

    internal static long Created(TimeProvider clock) => clock.GetUtcNow().ToUnixTimeSeconds();

    static IResult Error(int status, string message, string type, string? param, string? code) =>
        Results.Json(new ErrorBody(new ErrorDetail(message, type, param, code)), statusCode: status);
}
