using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Alignment.Encoding;

/// <summary>
/// Turns feedback prompts and answers into the ids the model saw and produced, with the model's own chat template,
/// so the reward model and the policy score exactly what generation would feed.
/// </summary>
/// <remarks>
/// A prompt may be raw user text (it is rendered as one user turn with the generation prompt) or the prompt as the
/// model saw it, as the host files it (it already ends with the template's generation prompt, e.g.
/// "&lt;|im_start|&gt;assistant\n", and is encoded as it is). An answer gets the template's turn-end token (else EOS)
/// appended, as SFT trains it, so "where the answer stops" is part of what is scored.
/// </remarks>
public sealed class AlignmentTokens
{
    readonly ModelTokenizer _tokenizer;
    readonly string _generationPrompt;
    readonly int? _answerEnd;

    /// <param name="tokenizer">The model's tokenizer and chat template.</param>
    /// <param name="maxLength">Longest sequence scored; longer ones lose prompt tokens from the left (the question sits at the end).</param>
    public AlignmentTokens(ModelTokenizer tokenizer, int maxLength)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 4);
        MaxLength = maxLength;
        const string marker = "\u0001";
        var rendered = tokenizer.ChatTemplate.Render([ChatMessage.User(marker)], addGenerationPrompt: true);
        _generationPrompt = rendered[(rendered.LastIndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
        _answerEnd = tokenizer.ChatTemplate.StopTokenIds.Count > 0 ? tokenizer.ChatTemplate.StopTokenIds[0] : tokenizer.EosId;
    }

    public int MaxLength { get; }

    /// <summary>The token that closes an answer: the template's turn end, else EOS; null when the tokenizer has neither.</summary>
    public int? AnswerEnd => _answerEnd;

    public ModelTokenizer Tokenizer => _tokenizer;

    /// <summary>The ids of a prompt: encoded as is when already rendered, else rendered as one user turn.</summary>
    public int[] Prompt(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return _generationPrompt.Length > 0 && prompt.EndsWith(_generationPrompt, StringComparison.Ordinal)
            ? _tokenizer.Encode(prompt, addBos: !_tokenizer.ChatTemplate.RendersBos)
            : _tokenizer.EncodeChat([ChatMessage.User(prompt)], addGenerationPrompt: true);
    }

    /// <summary>The ids of a conversation to answer next.</summary>
    public int[] Prompt(IReadOnlyList<ChatMessage> messages) => _tokenizer.EncodeChat(messages, addGenerationPrompt: true);

    /// <summary>The ids of an answer, ending with the answer-end token.</summary>
    public int[] Response(string response)
    {
        var ids = _tokenizer.Encode(response, addBos: false);
        return _answerEnd is int end && (ids.Length == 0 || ids[^1] != end) ? [.. ids, end] : ids;
    }

    /// <summary>Ids the engine stops at: the answer end and the template's other stop tokens.</summary>
    public IReadOnlySet<int> StopTokens(IEnumerable<int> modelStops) =>
        new HashSet<int>(modelStops.Concat(_tokenizer.ChatTemplate.StopTokenIds).Concat(_answerEnd is int end ? [end] : []));

    /// <summary>Prompt then answer, cut to <see cref="MaxLength"/>: the prompt loses tokens from its start, then the answer its end.</summary>
    public ScoredSequence Join(IReadOnlyList<int> prompt, IReadOnlyList<int> response)
    {
        var answer = response.Take(MaxLength - 1).ToArray();
        var kept = Math.Min(prompt.Count, MaxLength - answer.Length);
        return new ScoredSequence([.. prompt.Skip(prompt.Count - kept), .. answer], kept);
    }

    public ScoredSequence Join(string prompt, string response) => Join(Prompt(prompt), Response(response));

    /// <summary>Id of padding positions: pad, else EOS, else 0 (never attended to by real tokens: padding sits on the right).</summary>
    public int PadId => _tokenizer.SpecialTokens.TryGetValue("<|pad|>", out var pad) ? pad : _tokenizer.EosId ?? 0;
}
