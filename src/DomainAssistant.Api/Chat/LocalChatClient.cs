using System.Runtime.CompilerServices;
using System.Text;
using DomainAssistant.Api.Configuration;
using DomainAssistant.Model.Generation;
using Microsoft.Extensions.AI;
using ModelChatMessage = DomainAssistant.Model.Tokenization.ChatMessage;
using DomainAssistant.Api.Serving;

namespace DomainAssistant.Api.Chat;

/// <summary>
/// The served TorchSharp model as a Microsoft.Extensions.AI <see cref="IChatClient"/>, which Semantic Kernel uses as
/// its chat service. Messages are rendered by the model's chat template; the adapter comes from
/// <c>ChatOptions.AdditionalProperties["adapter"]</c> (a resident adapter name; absent = the base model). Answers are
/// decoded with the host's copy bias (<see cref="ModelOptions.CopyBias"/>).
/// </summary>
public sealed class LocalChatClient(ModelHost host, ModelOptions modelOptions) : IChatClient
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key naming the adapter.</summary>
    public const string AdapterProperty = "adapter";

    public const string ProviderName = "DomainAssistant.Local";

    /// <summary>
    /// Keys of the last update's <see cref="ChatResponseUpdate.AdditionalProperties"/>: Semantic Kernel passes them on
    /// as the streamed content's metadata (it has no finish reason or usage of its own there).
    /// </summary>
    public const string FinishReasonProperty = "finish_reason", PromptTokensProperty = "prompt_tokens", CompletionTokensProperty = "completion_tokens";

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        ChatResponseUpdate? last = null;
        UsageDetails? usage = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            text.Append(update.Text);
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
            last = update;
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()))
        {
            ModelId = last?.ModelId, ResponseId = last?.ResponseId, FinishReason = last?.FinishReason, Usage = usage,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var model = await host.WhenReadyAsync(cancellationToken);
        var adapter = AdapterOf(options, model);
        var request = model.Generator.PrepareChat(ToModelMessages(messages, options?.Instructions), Sampling(options), adapter);
        var responseId = Guid.NewGuid().ToString("N");
        var generated = new List<int>();
        await foreach (var update in model.Generator.StreamAsync(request, generated, cancellationToken))
        {
            if (update.Finish is not { } finish)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, update.Text) { ModelId = model.Name, ResponseId = responseId };
                continue;
            }
            var usage = new UsageDetails
            {
                InputTokenCount = request.PromptTokens.Count, OutputTokenCount = generated.Count,
                TotalTokenCount = request.PromptTokens.Count + generated.Count,
            };
            var reason = finish == FinishReason.Stop ? ChatFinishReason.Stop : ChatFinishReason.Length;
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)])
            {
                ModelId = model.Name, ResponseId = responseId, FinishReason = reason,
                AdditionalProperties = new()
                {
                    [FinishReasonProperty] = reason.Value,
                    [PromptTokensProperty] = request.PromptTokens.Count,
                    [CompletionTokensProperty] = generated.Count,
                },
            };
        }
    }

    /// <summary>Semantic Kernel asks for <see cref="ChatClientMetadata"/> to name the service and its model.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return new ChatClientMetadata(ProviderName, null, host.Current?.Name);
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        // The model belongs to ModelHost, which outlives every client.
    }

    static string? AdapterOf(ChatOptions? options, LoadedModel model)
    {
        if (options?.AdditionalProperties?.TryGetValue(AdapterProperty, out var value) is not true || value is null) return null;
        var name = value.ToString();
        if (string.IsNullOrEmpty(name)) return null;
        return model.Adapters.ContainsKey(name) ? name
            : throw new ArgumentException($"no adapter named '{name}' is loaded (loaded: {string.Join(", ", model.Adapters.Keys)}).", nameof(options));
    }

    static List<ModelChatMessage> ToModelMessages(IEnumerable<ChatMessage> messages, string? instructions)
    {
        var turns = new List<ModelChatMessage>();
        if (!string.IsNullOrEmpty(instructions)) turns.Add(ModelChatMessage.System(instructions));
        foreach (var message in messages) turns.Add(new ModelChatMessage(message.Role.Value, message.Text));
        if (turns.Count == 0) throw new ArgumentException("a chat needs at least one message.", nameof(messages));
        return turns;
    }

    SamplingOptions Sampling(ChatOptions? options)
    {
        var sampling = new SamplingOptions { CopyBias = modelOptions.CopyBias };
        if (options is null) return sampling;
        return sampling with
        {
            Temperature = options.Temperature ?? sampling.Temperature,
            TopP = options.TopP ?? sampling.TopP,
            TopK = options.TopK ?? sampling.TopK,
            MaxTokens = options.MaxOutputTokens ?? sampling.MaxTokens,
            Seed = options.Seed is { } seed ? unchecked((int)seed) : null,
            StopStrings = options.StopSequences is { Count: > 0 } stops ? [.. stops] : sampling.StopStrings,
        };
    }
}
