using DomainAssistant.Model;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Training.Data;

/// <summary>
/// Turns conversations and documents into <see cref="TrainingExample"/>s with a model's tokenizer. Conversations are
/// rendered through the model's own chat template, so training sees exactly the layout generation will prompt with,
/// and only assistant turns are trained.
/// </summary>
/// <remarks>
/// Each assistant turn i is located by rendering the conversation up to it with the generation prompt
/// (Render(messages[..i], true)) and through it (Render(messages[..i+1], false)): the text between is the response.
/// The pieces are encoded one at a time, so the boundary between prompt and response is a token boundary. A response
/// whose ids hold none of the template's stop tokens gets the response-end token appended (trained), so the model
/// learns to stop (the plain template of base vocabularies writes no turn-end token of its own).
/// </remarks>
/// <param name="tokenizer">The model's tokenizer and chat template.</param>
/// <param name="responseEndId">Appended to responses that hold no stop token of the template (see <see cref="ResponseEnd"/>);
/// default the tokenizer's EOS.</param>
public sealed class ExampleEncoder(ModelTokenizer tokenizer, int? responseEndId = null)
{
    readonly ModelTokenizer _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
    readonly int? _eos = responseEndId ?? tokenizer?.EosId;

    /// <summary>The encoder of a loaded model: its tokenizer, and the response end <see cref="ResponseEnd"/> picks for it.</summary>
    public static ExampleEncoder For(PretrainedModel pretrained)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        return new ExampleEncoder(pretrained.Tokenizer, ResponseEnd.Choose(pretrained));
    }

    /// <summary>Encodes a conversation; throws <see cref="InvalidDataException"/> when the template cannot split it into prompt and response.</summary>
    public TrainingExample Conversation(IReadOnlyList<ChatMessage> messages, string source)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var template = _tokenizer.ChatTemplate;
        var (ids, trained) = (new List<int>(), new List<bool>());
        var done = "";
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role != ChatRoles.Assistant) continue;
            var before = template.Render(messages.Take(i).ToList(), addGenerationPrompt: true);
            var through = template.Render(messages.Take(i + 1).ToList(), addGenerationPrompt: false);
            if (!before.StartsWith(done, StringComparison.Ordinal) || !through.StartsWith(before, StringComparison.Ordinal))
                throw new InvalidDataException($"the {template.Name} chat template does not render the prompt of turn {i + 1} as a prefix of the conversation");
            Append(ids, trained, _tokenizer.Encode(before[done.Length..], addBos: ids.Count == 0 && !template.RendersBos), false);
            var response = _tokenizer.Encode(through[before.Length..], addBos: false);
            Append(ids, trained, response, true);
            if (_eos is int eos && !response.Any(id => id == eos || template.StopTokenIds.Contains(id))) Append(ids, trained, [eos], true);
            done = through;
        }
        if (!trained.Any(t => t)) throw new InvalidDataException("no assistant turn to train on");
        return new TrainingExample([.. ids], [.. trained], source, IsDocument: false);
    }

    /// <summary>Encodes raw text for continued pretraining: BOS (when the model uses one) or the document separator, the text, every token trained.</summary>
    public TrainingExample Document(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _tokenizer.Encode(text, addBos: true);
        if (!_tokenizer.AddsBos && DocumentSeparator(_tokenizer) is int separator) ids = [separator, .. ids];
        return new TrainingExample(ids, [.. ids.Select(_ => true)], source, IsDocument: true);
    }

    /// <summary>The id that opens each document in a pretraining stream: BOS, else EOS (GPT-2's &lt;|endoftext|&gt; is both).</summary>
    public static int? DocumentSeparator(ModelTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return tokenizer.BosId ?? tokenizer.EosId;
    }

    static void Append(List<int> ids, List<bool> trained, int[] piece, bool isTrained)
    {
        ids.AddRange(piece);
        trained.AddRange(Enumerable.Repeat(isTrained, piece.Length));
    }
}
