using DomainAssistant.Model.Tokenization.HuggingFace;
using Microsoft.ML.Tokenizers;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// A model's tokenizer: a Microsoft.ML.Tokenizers <see cref="Tokenizer"/> plus what generation needs around it
/// (BOS/EOS ids, special tokens, the chat template, the file it came from). Create it with <see cref="TokenizerLoader"/>.
/// </summary>
public sealed class ModelTokenizer
{
    readonly IReadOnlySet<int> _nonTextIds;
    readonly IReadOnlySet<int> _byteFallbackIds;

    internal ModelTokenizer(TokenizerParts parts)
    {
        Inner = parts.Inner;
        SourcePath = parts.SourcePath;
        VocabSize = parts.VocabSize;
        BosId = parts.BosId;
        EosId = parts.EosId;
        AddsBos = parts.AddsBos && parts.BosId is not null;
        SpecialTokens = parts.SpecialTokens;
        ChatTemplate = parts.ChatTemplate;
        CleansUpTokenizationSpaces = parts.CleansUpTokenizationSpaces;
        _nonTextIds = parts.NonTextIds;
        _byteFallbackIds = parts.ByteFallbackIds;
        Bytes = parts.Bytes;
    }

    /// <summary>The tokenizer doing the work: the library's SentencePieceTokenizer, or a tokenizer.json pipeline.</summary>
    public Tokenizer Inner { get; }

    /// <summary>What runs when text is encoded, in one line: tokenizer.json's components, or SentencePiece.</summary>
    public string Pipeline => Inner switch
    {
        HuggingFaceTokenizer huggingFace => huggingFace.Pipeline,
        SentencePieceTokenizer => $"SentencePiece ({Path.GetFileName(SourcePath)}, {VocabSize} tokens)",
        _ => Inner.GetType().Name,
    };

    /// <summary>The file the vocabulary was read from (tokenizer.bin, tokenizer.model or tokenizer.json).</summary>
    public string SourcePath { get; }

    /// <summary>One past the largest id the tokenizer can produce, added tokens included.</summary>
    public int VocabSize { get; }

    /// <summary>Beginning-of-sequence id, or null when the vocabulary has none (Qwen2).</summary>
    public int? BosId { get; }

    /// <summary>End-of-sequence id, or null when neither the files nor the known names give one.</summary>
    public int? EosId { get; }

    /// <summary>
    /// Whether a sequence starts with BOS for this model: for tokenizer.json, whether its post-processor (what Hugging
    /// Face adds with add_special_tokens=True) puts BOS first; for SentencePiece, add_bos_token or the format's default.
    /// </summary>
    public bool AddsBos { get; }

    /// <summary>Special and added tokens by their text (control pieces such as &lt;s&gt;, and e.g. &lt;|im_end|&gt;).</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>
    /// Whether <see cref="Decode"/> removes the space before . ? ! , and English contractions, as transformers' decode
    /// does for a tokenizer_config.json with clean_up_tokenization_spaces true (Llama 3's).
    /// </summary>
    public bool CleansUpTokenizationSpaces { get; }

    /// <summary>How conversations are laid out for this model, and where generation stops.</summary>
    public ChatTemplate ChatTemplate { get; }

    /// <summary>
    /// Encodes <paramref name="text"/>; special tokens written in the text (e.g. &lt;|im_start|&gt;) become their ids,
    /// except for llama2.c tokenizers, which, like llama2.c, read all text literally.
    /// </summary>
    /// <param name="text">Any text; an empty string gives just BOS (or nothing).</param>
    /// <param name="addBos">
    /// Start of a sequence: prepend BOS when this model uses one (<see cref="AddsBos"/>). For tokenizer.json this is
    /// Hugging Face's add_special_tokens=True: the post-processor adds whatever its template says.
    /// </param>
    public int[] Encode(string text, bool addBos)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Inner is HuggingFaceTokenizer huggingFace) return huggingFace.Encode(text, addSpecialTokens: addBos);
        var ids = Inner is SentencePieceTokenizer sentencePiece
            ? sentencePiece.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false)
            : Inner.EncodeToIds(text);
        if (!addBos || !AddsBos) return [.. ids];
        var withBos = new int[ids.Count + 1];
        withBos[0] = BosId!.Value;
        for (var i = 0; i < ids.Count; i++) withBos[i + 1] = ids[i];
        return withBos;
    }

    /// <summary>Renders the conversation with <see cref="ChatTemplate"/> and encodes it, adding BOS only when the template does not write it.</summary>
    public int[] EncodeChat(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt) =>
        Encode(ChatTemplate.Render(messages, addGenerationPrompt), addBos: !ChatTemplate.RendersBos);

    /// <summary>
    /// Decodes ids to text. Control and special tokens (BOS, EOS, &lt;|im_end|&gt;) are left out, added tokens that are
    /// not special are kept as text, ids outside the vocabulary are skipped, and SentencePiece's dummy-prefix space
    /// is removed from the first word; with <see cref="CleansUpTokenizationSpaces"/>, transformers' clean-up follows.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        var text = DecodePieces(ids);
        return CleansUpTokenizationSpaces ? TokenizationSpaceCleanup.Apply(text) : text;
    }

    /// <summary>Decode without the clean-up of tokenization spaces: what the pieces spell, for streaming to work on.</summary>
    internal string DecodePieces(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var known = ids.Where(id => id >= 0 && id < VocabSize);
        return Inner switch
        {
            SentencePieceTokenizer sentencePiece => DecodeSentencePiece(sentencePiece, [.. known]),
            HuggingFaceTokenizer huggingFace => huggingFace.Decode(known, skipSpecialTokens: true),
            _ => Inner.Decode(known),
        };
    }

    /// <summary>Which ids stand for raw bytes, so streaming can hold or drop bytes that do not form a character.</summary>
    internal TokenBytes Bytes { get; }

    /// <summary>A decoder for streaming generation, fed one id at a time.</summary>
    public StreamingDecoder CreateStreamingDecoder() => new(this);

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming <see cref="SourcePath"/> when this tokenizer cannot drive the
    /// model described by <paramref name="config"/>: ids past its embedding, or BOS/EOS ids that disagree.
    /// </summary>
    public void EnsureMatches(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (VocabSize > config.VocabSize)
            throw Mismatch($"the tokenizer produces ids up to {VocabSize - 1} but the model's vocab_size is {config.VocabSize}");
        if (AddsBos)
        {
            if (config.BosTokenId < 0 || config.BosTokenId >= config.VocabSize)
                throw Mismatch($"the model's bos_token_id {config.BosTokenId} is outside its vocab_size {config.VocabSize}");
            if (BosId != config.BosTokenId)
                throw Mismatch($"the tokenizer's BOS id {BosId} disagrees with the model's bos_token_id {config.BosTokenId}");
        }
        if (EosId is int eos)
        {
            if (config.EosTokenId < 0 || config.EosTokenId >= config.VocabSize)
                throw Mismatch($"the model's eos_token_id {config.EosTokenId} is outside its vocab_size {config.VocabSize}");
            // Instruct models often stop on a turn token (<|eot_id|>) while config.json names another special
            // token (<|end_of_text|>); both are legitimate stops. An ordinary word there means a different vocabulary.
            if (eos != config.EosTokenId && !SpecialTokens.Values.Contains(config.EosTokenId))
                throw Mismatch($"the tokenizer's EOS id {eos} disagrees with the model's eos_token_id {config.EosTokenId}, which is not a special token here");
        }
    }

    /// <summary>
    /// True for a piece that decodes through the vocabulary as text (not special, not a byte fallback): after one,
    /// SentencePiece's leading-space rule no longer depends on what came before.
    /// </summary>
    internal bool IsTextPiece(int id) => id >= 0 && id < VocabSize && !_nonTextIds.Contains(id);

    InvalidDataException Mismatch(string problem) =>
        new($"{SourcePath}: tokenizer does not fit the model: {problem}.");

    string DecodeSentencePiece(SentencePieceTokenizer sentencePiece, List<int> ids)
    {
        // SentencePiece drops the dummy-prefix space of the first piece only. The library also drops it from the
        // first text piece after leading byte fallbacks ([<0x0A>, ▁Once] gives "\nOnce", not "\n Once"), so that
        // piece is decoded behind an anchor text piece whose own text is then cut off.
        var firstText = ids.FindIndex(IsTextPiece);
        if (firstText <= 0 || !ids.Take(firstText).Any(_byteFallbackIds.Contains))
            return sentencePiece.Decode(ids, considerSpecialTokens: false);
        var anchor = Enumerable.Range(0, VocabSize).First(IsTextPiece);
        var anchorText = sentencePiece.Decode([anchor], considerSpecialTokens: false);
        var tail = sentencePiece.Decode([anchor, .. ids.Skip(firstText)], considerSpecialTokens: false);
        return sentencePiece.Decode(ids.Take(firstText), considerSpecialTokens: false) + tail[anchorText.Length..];
    }
}

/// <summary>What a loader found, handed to <see cref="ModelTokenizer"/>.</summary>
internal sealed record TokenizerParts
{
    public required Tokenizer Inner { get; init; }
    public required string SourcePath { get; init; }
    public required int VocabSize { get; init; }
    public int? BosId { get; init; }
    public int? EosId { get; init; }
    public bool AddsBos { get; init; }
    public required IReadOnlyDictionary<string, int> SpecialTokens { get; init; }

    /// <summary>Ids that are not text pieces: special/control tokens and byte fallbacks.</summary>
    public required IReadOnlySet<int> NonTextIds { get; init; }

    /// <summary>The byte pieces &lt;0x00&gt;..&lt;0xFF&gt; of SentencePiece and byte-fallback BPE; empty for byte-level BPE.</summary>
    public IReadOnlySet<int> ByteFallbackIds { get; init; } = new HashSet<int>();

    /// <summary>The ids that stand for bytes rather than whole characters (none by default).</summary>
    public TokenBytes Bytes { get; init; } = TokenBytes.None;

    public required ChatTemplate ChatTemplate { get; init; }

    /// <summary>tokenizer_config.json's clean_up_tokenization_spaces, which decoding applies.</summary>
    public bool CleansUpTokenizationSpaces { get; init; }
}
