namespace DomainAssistant.Model.Generation;

/// <summary>
/// A decoding aid for grounded answers: raises the logits of the tokens that would continue a passage of the prompt
/// the answer is currently quoting. After each generated token it finds the longest run of the answer's last tokens
/// (up to <see cref="MaxMatch"/>) that also occurs in the prompt; every token that follows such an occurrence gets
/// <c>bias</c> added. The model still decides: the bias only tilts its choice between continuing the quote and
/// anything else, which keeps a small model from garbling a number or code it has started to copy.
/// </summary>
/// <remarks>The prompt lookup is a scan of at most a few thousand ids per step, small next to the forward pass.</remarks>
public sealed class PromptCopyBias
{
    /// <summary>Longest answer suffix looked up in the prompt.</summary>
    public const int MaxMatch = 8;

    readonly int[] _prompt;
    readonly float _bias;
    readonly List<int> _answer = [];
    readonly HashSet<int> _candidates = [];

    /// <param name="prompt">The prompt's token ids (its context is what gets quoted).</param>
    /// <param name="bias">Added to each continuation's logit; must be positive.</param>
    public PromptCopyBias(IEnumerable<int> prompt, float bias)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (!(bias > 0) || float.IsInfinity(bias)) throw new ArgumentOutOfRangeException(nameof(bias), bias, "the copy bias must be positive and finite");
        _prompt = [.. prompt];
        _bias = bias;
    }

    /// <summary>The tokens that continue the longest quoted run, for the next position (empty before the first token or when nothing matches).</summary>
    public IReadOnlySet<int> Continuations()
    {
        _candidates.Clear();
        for (var length = Math.Min(MaxMatch, _answer.Count); length >= 1 && _candidates.Count == 0; length--)
        {
            var suffix = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_answer)[^length..];
            for (var end = length; end < _prompt.Length; end++)
                if (_prompt.AsSpan(end - length, length).SequenceEqual(suffix)) _candidates.Add(_prompt[end]);
        }
        return _candidates;
    }

    /// <summary>Adds the bias to the continuations' scores ([vocab]).</summary>
    public void Apply(Span<float> scores)
    {
        foreach (var id in Continuations())
            if ((uint)id < (uint)scores.Length) scores[id] += _bias;
    }

    /// <summary>Records the token just generated.</summary>
    public void Accept(int token) => _answer.Add(token);
}
