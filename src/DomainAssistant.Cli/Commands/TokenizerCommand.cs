using System.CommandLine;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Model.Tokenization.Jinja;
using DomainAssistant.Training.Corpus;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `da tokenizer train` learns a byte-level BPE vocabulary from a corpus folder and saves a Hugging Face tokenizer
/// folder; `da tokenizer encode` encodes text with any tokenizer the Model project's TokenizerLoader reads (a folder
/// or a tokenizer.json / tokenizer.model / tokenizer.bin file) and decodes it back; `da tokenizer chat` renders a
/// conversation with the tokenizer's chat template and encodes it, as the chat path does.
/// </summary>
public static class TokenizerCommand
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create() => new("tokenizer", "Train and try byte-level BPE tokenizers.") { Train(), Encode(), Chat() };

    static Command Train()
    {
        var corpus = new Option<string>("--corpus") { Description = "Folder of .txt, .md and .jsonl files to learn from.", Required = true };
        var vocabSize = new Option<int>("--vocab-size") { Description = "Tokens in the vocabulary, 4 special tokens and 256 bytes included.", Required = true };
        var minFrequency = new Option<int>("--min-frequency") { Description = "Never merge a pair seen fewer times.", DefaultValueFactory = _ => 2 };
        var output = new Option<string>("--out") { Description = "Folder to write tokenizer.json, tokenizer_config.json and special_tokens_map.json.", Required = true };
        var json = new Option<bool>("--json") { Description = "End stdout with one JSON summary line." };
        var command = new Command("train", "Learn a byte-level BPE vocabulary from a corpus folder.") { corpus, vocabSize, minFrequency, output, json };
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            var options = new BpeTrainerOptions { VocabularySize = parse.GetValue(vocabSize), MinPairFrequency = parse.GetValue(minFrequency) };
            options.Validate();
            var texts = new TextCorpus(parse.GetRequiredValue(corpus));
            var folder = parse.GetRequiredValue(output);
            var clock = Stopwatch.StartNew();
            var bar = new TokenizerProgressBar(parse.InvocationConfiguration.Error, Terminal.IsTerminal(parse.InvocationConfiguration.Error));
            var vocabulary = new BpeTrainer(options).Train(texts.ReadDocuments(), bar, cancellation);
            bar.Complete();
            HuggingFaceTokenizerFolder.Save(vocabulary, folder);
            var summary = new TrainSummary(vocabulary.Count, vocabulary.Merges.Count, texts.TotalBytes, Math.Round(clock.Elapsed.TotalSeconds, 3), Path.GetFullPath(folder));
            await Report(parse, options, summary, parse.GetValue(json));
            return 0;
        }));
        return command;
    }

    static async Task Report(ParseResult parse, BpeTrainerOptions options, TrainSummary summary, bool json)
    {
        var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        if (summary.VocabSize < options.VocabularySize)
            await error.WriteLineAsync($"warning: no pair left that occurs {options.MinPairFrequency}+ times; the vocabulary has {summary.VocabSize} tokens, not {options.VocabularySize}.");
        await output.WriteLineAsync(json
            ? JsonSerializer.Serialize(summary, Json)
            : FormattableString.Invariant($"trained {summary.VocabSize} tokens ({summary.Merges} merges) from {summary.CorpusBytes} bytes in {summary.Seconds:F1}s -> {summary.Output}"));
    }

    static Command Encode()
    {
        var tokenizer = new Option<string>("--tokenizer") { Description = "Tokenizer folder, or a tokenizer.json, tokenizer.model or llama2.c tokenizer.bin file.", Required = true };
        var text = new Option<string>("--text") { Description = "Text to encode." };
        var file = new Option<string>("--file") { Description = "UTF-8 file whose text to encode." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with ids and decoded text." };
        var command = new Command("encode", "Encode text with a tokenizer folder and decode the ids back.") { tokenizer, text, file, json };
        command.SetAction(CommandErrors.Guard(async (parse, _) =>
        {
            var (inline, path) = (Utf8Argument.Require(parse.GetValue(text), "--text"), parse.GetValue(file));
            if (inline is null == path is null) throw new ArgumentException("give exactly one of --text and --file.");
            var input = inline ?? Utf8TextFile.Read(path!);
            var loaded = TokenizerLoader.Load(parse.GetRequiredValue(tokenizer));
            var ids = loaded.Encode(input, addBos: false);
            // The library's own decoding writes special tokens out, so a round trip through <|im_start|> stays visible.
            var decoded = loaded.Inner.Decode(ids) ?? "";
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(new EncodeResult(ids, decoded), Json));
            else await output.WriteLineAsync($"{ids.Length} tokens: {string.Join(' ', ids)}\n{decoded}");
            return 0;
        }));
        return command;
    }

    static Command Chat()
    {
        var tokenizer = new Option<string>("--tokenizer") { Description = "Tokenizer folder (its tokenizer_config.json gives the chat template), or a tokenizer file.", Required = true };
        var messages = new Option<string>("--messages") { Description = "UTF-8 JSON file: an array of {\"role\", \"content\"} messages.", Required = true };
        var generationPrompt = new Option<bool>("--add-generation-prompt") { Description = "End with the opening of the assistant's reply." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the rendered text and its ids." };
        var command = new Command("chat", "Render a conversation with the tokenizer's chat template and encode it.") { tokenizer, messages, generationPrompt, json };
        command.SetAction(CommandErrors.Guard(async (parse, _) =>
        {
            var path = parse.GetRequiredValue(messages);
            var conversation = ChatMessagesFile.Read(path);
            var loaded = TokenizerLoader.Load(parse.GetRequiredValue(tokenizer));
            var addGenerationPrompt = parse.GetValue(generationPrompt);
            string text;
            try
            {
                text = loaded.ChatTemplate.Render(conversation, addGenerationPrompt);
            }
            catch (JinjaRaisedException refused)
            {
                throw new ArgumentException($"the chat template refuses the messages in {path}: {refused.Message}", refused);
            }
            var ids = loaded.EncodeChat(conversation, addGenerationPrompt);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(new ChatResult(text, ids), Json));
            else await output.WriteLineAsync($"{text}\n{ids.Length} tokens: {string.Join(' ', ids)}");
            return 0;
        }));
        return command;
    }

    sealed record ChatResult(string Text, int[] Ids);

    sealed record TrainSummary(int VocabSize, int Merges, long CorpusBytes, double Seconds, string Output);

    sealed record EncodeResult(int[] Ids, string Decoded);
}
