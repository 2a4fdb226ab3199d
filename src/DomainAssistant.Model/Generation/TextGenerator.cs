using System.Runtime.CompilerServices;
using System.Text;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Model.Generation;

/// <summary>A text piece released to the client, or (with <see cref="Finish"/> set) the end of the answer.</summary>
public readonly record struct TextUpdate(string Text, FinishReason? Finish);

/// <summary>
/// Text in, text out over a <see cref="GenerationEngine"/>: encodes prompts (plain or through the chat template),
/// decodes tokens as they stream without splitting characters, and honours stop tokens and stop strings.
/// </summary>
public sealed class TextGenerator(GenerationEngine engine, ModelTokenizer tokenizer, IReadOnlySet<int> stopTokens)
{
    public ModelTokenizer Tokenizer => tokenizer;

    /// <summary>A request that continues <paramref name="prompt"/> (BOS first when the tokenizer uses one).</summary>
    public TokenRequest Prepare(string prompt, SamplingOptions sampling, string? adapter = null, LogitsObserver? observer = null) =>
        new(tokenizer.Encode(prompt, addBos: true), sampling) { Adapter = adapter, StopTokens = stopTokens, Observer = observer };

    /// <summary>A request that answers the last message of a conversation, rendered by the model's chat template.</summary>
    public TokenRequest PrepareChat(IReadOnlyList<ChatMessage> messages, SamplingOptions sampling, string? adapter = null) =>
        PrepareChat(tokenizer.EncodeChat(messages, addGenerationPrompt: true), sampling, adapter);

    /// <summary>
    /// A request that continues a conversation already rendered by the model's chat template and encoded (BOS
    /// included when the template does not render it): it stops where the template's turns end.
    /// </summary>
    public TokenRequest PrepareChat(IReadOnlyList<int> renderedPrompt, SamplingOptions sampling, string? adapter = null)
    {
        var template = tokenizer.ChatTemplate;
        var stops = new HashSet<int>(stopTokens);
        stops.UnionWith(template.StopTokenIds);
        var withTemplateStops = sampling with { StopStrings = [.. sampling.StopStrings, .. template.StopStrings] };
        return new TokenRequest(renderedPrompt, withTemplateStops) { Adapter = adapter, StopTokens = stops };
    }

    /// <summary>Streams released text; the last update carries the finish reason and no text.</summary>
    public async IAsyncEnumerable<TextUpdate> StreamAsync(TokenRequest request, List<int>? generatedIds = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The decoder sees the prompt first, so the reply keeps the space or joint it has after the prompt
        // (SentencePiece drops a leading space at the start of a decode).
        var decoder = tokenizer.CreateStreamingDecoder();
        foreach (var id in request.PromptTokens) decoder.Add(id);
        var matcher = new StopStringMatcher(request.Sampling.StopStrings);
        FinishReason finish = FinishReason.Length;
        await foreach (var item in engine.GenerateAsync(request, cancellationToken))
        {
            if (item.Finish is { } reason) { finish = reason; break; }
            generatedIds?.Add(item.Token!.Value);
            var released = matcher.Push(decoder.Add(item.Token!.Value));
            if (released.Length > 0) yield return new TextUpdate(released, null);
            if (matcher.Stopped) { finish = FinishReason.Stop; break; }
        }
        var rest = matcher.Push(decoder.Flush());
        rest += matcher.Flush();
        if (rest.Length > 0) yield return new TextUpdate(rest, null);
        yield return new TextUpdate("", matcher.Stopped ? FinishReason.Stop : finish);
    }

    /// <summary>Runs a request to the end, handing each released piece to <paramref name="onText"/> as it comes.</summary>
    public async Task<Completion> CompleteAsync(TokenRequest request, Action<string>? onText = null, CancellationToken cancellationToken = default)
    {
        var ids = new List<int>();
        var text = new StringBuilder();
        FinishReason finish = FinishReason.Length;
        await foreach (var update in StreamAsync(request, ids, cancellationToken))
        {
            if (update.Finish is { } reason) finish = reason;
            text.Append(update.Text);
            if (update.Text.Length > 0) onText?.Invoke(update.Text);
        }
        return new Completion(request.PromptTokens, ids, text.ToString(), finish);
    }
}
