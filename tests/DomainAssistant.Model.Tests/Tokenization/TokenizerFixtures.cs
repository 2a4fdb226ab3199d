using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>A temporary folder for tokenizer files, deleted when the test ends.</summary>
sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "da-tokenizer-tests-" + Guid.NewGuid().ToString("N"))).FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text)
    {
        System.IO.File.WriteAllText(File(name), text);
        return File(name);
    }

    public string Write(string name, byte[] bytes)
    {
        System.IO.File.WriteAllBytes(File(name), bytes);
        return File(name);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Small tokenizers written in the test, in each on-disk format we load.</summary>
static class TokenizerFixtures
{
    /// <summary>A llama2.c tokenizer.bin: unk, BOS, EOS, 256 byte pieces, then pieces with their merge scores.</summary>
    public static byte[] Llama2cTokenizerBin(params (string Piece, float Score)[] merged)
    {
        var tokens = new List<(string, float)> { ("<unk>", 0), ("\n<s>\n", 0), ("\n</s>\n", 0) };
        tokens.AddRange(Enumerable.Range(0, 256).Select(b => ($"<0x{b:X2}>", 0f)));
        tokens.AddRange(merged);
        var bytes = new List<byte>();
        var maxLength = tokens.Max(t => Encoding.UTF8.GetByteCount(t.Item1));
        AddInt(bytes, maxLength);
        foreach (var (piece, score) in tokens)
        {
            var buffer = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(buffer, score);
            bytes.AddRange(buffer);
            var text = Encoding.UTF8.GetBytes(piece);
            AddInt(bytes, text.Length);
            bytes.AddRange(text);
        }
        return [.. bytes];
    }

    static void AddInt(List<byte> bytes, int value)
    {
        var buffer = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
        bytes.AddRange(buffer);
    }

    /// <summary>GPT-2's byte-to-character table: printable bytes stand for themselves, the rest map from U+0100 up.</summary>
    public static char[] ByteLevelAlphabet()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range(0xA1, 0xAC - 0xA1 + 1)).Concat(Enumerable.Range(0xAE, 0xFF - 0xAE + 1)).ToHashSet();
        var alphabet = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++) alphabet[b] = printable.Contains(b) ? (char)b : (char)next++;
        return alphabet;
    }

    public static string ByteLevel(string text) =>
        string.Concat(Encoding.UTF8.GetBytes(text).Select(b => ByteLevelAlphabet()[b]));

    /// <summary>Options for <see cref="ByteLevelTokenizerJson"/>.</summary>
    public sealed record JsonOptions
    {
        public bool MergesAsPairs { get; init; }
        /// <summary>Null: a plain ByteLevel pre-tokenizer (GPT-2 regex); otherwise Sequence[Split(this), ByteLevel(use_regex=false)].</summary>
        public string? SplitPattern { get; init; }
        public bool PostProcessorAddsBos { get; init; }
    }

    /// <summary>
    /// A byte-level BPE tokenizer.json: the 256 byte characters, merges building " the", "he", "llo", "12", and added
    /// tokens &lt;|endoftext|&gt;, &lt;|begin_of_text|&gt;, ChatML's and Llama-3's markers (special) and &lt;tool&gt; (not special).
    /// </summary>
    public static string ByteLevelTokenizerJson(JsonOptions? options = null)
    {
        options ??= new JsonOptions();
        var vocab = new JsonObject();
        foreach (var c in ByteLevelAlphabet()) vocab[c.ToString()] = vocab.Count;
        string[][] merges = [["Ġ", "t"], ["h", "e"], ["Ġt", "he"], ["l", "l"], ["ll", "o"], ["1", "2"], ["ä", "¸"]];
        foreach (var merge in merges) vocab[merge[0] + merge[1]] = vocab.Count;
        var first = vocab.Count;
        string[] special = ["<|endoftext|>", "<|begin_of_text|>", "<|im_start|>", "<|im_end|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"];
        var added = new JsonArray();
        foreach (var (content, i) in special.Append("<tool>").Select((c, i) => (c, i)))
            added.Add(new JsonObject { ["id"] = first + i, ["content"] = content, ["special"] = content != "<tool>" });

        JsonNode byteLevel = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = options.SplitPattern is null };
        var preTokenizer = options.SplitPattern is null ? byteLevel : new JsonObject
        {
            ["type"] = "Sequence",
            ["pretokenizers"] = new JsonArray(
                new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = options.SplitPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                byteLevel),
        };
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = preTokenizer,
            ["post_processor"] = options.PostProcessorAddsBos
                ? JsonNode.Parse("""{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<|begin_of_text|>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"special_tokens":{"<|begin_of_text|>":{"id":"<|begin_of_text|>","ids":[BOS_ID],"tokens":["<|begin_of_text|>"]}}}""".Replace("BOS_ID", (first + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                : new JsonObject { ["type"] = "ByteLevel" },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["vocab"] = vocab,
                ["merges"] = new JsonArray([.. merges.Select(m => options.MergesAsPairs ? (JsonNode)new JsonArray(m[0], m[1]) : m[0] + " " + m[1])]),
            },
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>A tokenizer_config.json with the given chat template and BOS/EOS names.</summary>
    public static string TokenizerConfig(string? chatTemplate, string? bos = null, string? eos = null, bool? addBos = null)
    {
        var config = new JsonObject { ["chat_template"] = chatTemplate, ["bos_token"] = bos, ["eos_token"] = eos };
        if (addBos is not null) config["add_bos_token"] = addBos;
        return config.ToJsonString();
    }
}
