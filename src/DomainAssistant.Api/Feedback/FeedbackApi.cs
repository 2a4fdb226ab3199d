using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Experiments;
using DomainAssistant.Storage.Conversations;
using DomainAssistant.Api.Http;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.Feedback.Validation;
using DomainAssistant.Storage.PostgreSql;

namespace DomainAssistant.Api.Feedback;

/// <summary>
/// <c>POST /api/feedback</c>: a thumbs up or down on an assistant message. The feedback carries the message's stored
/// lineage and is recorded locally first, then published on the bus (the Feedback project's recorder and outbox).
/// </summary>
public static class FeedbackApi
{
    public static IEndpointRouteBuilder MapFeedbackApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/feedback", PostFeedbackAsync).WithName("Feedback").RequireAuthorization(Policies.Chat);
        return app;
    }

    /// <summary>The body: which message, "up" or "down", and optionally why. A retry may resend its <c>feedbackId</c>.</summary>
    public sealed record FeedbackRequest(Guid? MessageId, string? Rating, string? Reason, IReadOnlyList<string>? Tags, Guid? FeedbackId);

    /// <summary>The answer: the feedback's id and whether it was recorded now or had been before.</summary>
    public sealed record FeedbackReceipt(Guid FeedbackId, Guid MessageId, string Status);

    static async Task<IResult> PostFeedbackAsync(HttpContext context, IConversationStore conversations, FeedbackRecorder recorder,
        ExperimentRecorder experiments, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<FeedbackRequest>(context.Request, cancellationToken);
        if (problem is not null) return problem;
        if (request!.MessageId is not { } messageId || messageId == Guid.Empty) return Problems.Invalid("messageId", "messageId must be the id of an assistant message.");
        if (!FeedbackRating.IsKnown(request.Rating))
            return Problems.Invalid("rating", $"rating must be \"{FeedbackRating.Up}\" or \"{FeedbackRating.Down}\".");
        // Free text is bounded here, at the edge, before anything is looked up or stored (the recorder checks again).
        if (request.Reason is { Length: > FeedbackRules.MaxReasonLength })
            return Problems.Invalid("reason", $"reason must be at most {FeedbackRules.MaxReasonLength} characters.");
        if (request.Tags is { Count: > FeedbackRules.MaxTags }) return Problems.Invalid("tags", $"tags may hold at most {FeedbackRules.MaxTags} entries.");
        if (request.Tags?.Any(t => t is null || t.Length > FeedbackRules.MaxTagLength) == true)
            return Problems.Invalid("tags", $"each tag must be a string of at most {FeedbackRules.MaxTagLength} characters.");
        if (PostgresText.HasNul(request.Reason)) return Problems.Invalid("reason", $"reason {PostgresText.NoNul}.");
        if (request.Tags?.Any(PostgresText.HasNul) == true) return Problems.Invalid("tags", $"tags {PostgresText.NoNul}.");
        var message = await conversations.FindAssistantMessageAsync(messageId, cancellationToken);
        if (message is null) return Problems.NotFound($"No assistant message has id {messageId}.");

        var feedback = new FeedbackSubmitted(request.FeedbackId ?? Guid.NewGuid(), messageId, request.Rating!, NullIfBlank(request.Reason),
            request.Tags ?? [], message.Prompt, message.RetrievedChunkIds, message.Content, message.Model, message.Adapter,
            message.AdapterChecksum, message.Variant, message.Domain, clock.GetUtcNow())
        {
            // The id experiments are assigned by, so preference data can cap and split votes per user.
            User = CallerIdentity.UserId(context),
            // What the user saw cited with the answer (marker order), not just what was retrieved into the prompt.
            CitedChunkIds = [.. message.Citations.OrderBy(c => c.N).Select(c => c.ChunkId).Distinct(StringComparer.Ordinal)],
        };
        try
        {
            var recording = await recorder.SubmitAsync(feedback, cancellationToken);
            var status = recording == FeedbackRecording.Recorded ? "recorded" : "already-recorded";
            // After the feedback is safely stored: the experiment's tally follows it (a change of mind replaces the rating).
            await experiments.RatedAsync(message.Domain, messageId, message.Variant, request.Rating == FeedbackRating.Up, CancellationToken.None);
            return Results.Accepted(value: new FeedbackReceipt(feedback.FeedbackId, messageId, status));
        }
        catch (InvalidFeedbackException error)
        {
            return Problems.BadRequest(string.Join("; ", error.Problems) + ".");
        }
        catch (FeedbackConflictException error)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "Conflict", error.Message);
        }
    }

    static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
