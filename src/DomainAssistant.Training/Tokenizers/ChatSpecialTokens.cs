namespace DomainAssistant.Training.Tokenizers;

/// <summary>
/// The control tokens every vocabulary we train reserves at its start, with fixed ids, so models, the chat
/// template and the data pipeline can rely on them without reading the tokenizer first.
/// </summary>
/// <remarks>
/// Ids: 0 <c>&lt;|endoftext|&gt;</c> (document separator in pre-training; the BOS token), 1 <c>&lt;|im_start|&gt;</c>
/// and 2 <c>&lt;|im_end|&gt;</c> (ChatML turn markers; <c>&lt;|im_end|&gt;</c> is the EOS token that ends an
/// assistant reply), 3 <c>&lt;|pad|&gt;</c> (padding, never trained on). Additional special tokens follow from id 4,
/// then the 256 byte symbols, then the learned merges.
/// </remarks>
public static class ChatSpecialTokens
{
    public const string EndOfText = "<|endoftext|>";
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";
    public const string Pad = "<|pad|>";

    public const int EndOfTextId = 0;
    public const int ImStartId = 1;
    public const int ImEndId = 2;
    public const int PadId = 3;

    /// <summary>The reserved tokens in id order.</summary>
    public static IReadOnlyList<string> All { get; } = [EndOfText, ImStart, ImEnd, Pad];

    /// <summary>Begins every document (tokenizer_config.json's bos_token).</summary>
    public const string Bos = EndOfText;

    /// <summary>Ends an assistant turn and generation (tokenizer_config.json's eos_token).</summary>
    public const string Eos = ImEnd;

    /// <summary>ChatML, as Qwen2 and SmolLM2 write it, in Hugging Face's Jinja dialect (tokenizer_config.json's chat_template).</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
}
