using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DomainAssistant.Alignment.Feedback;

/// <summary>
/// The feedback file every <c>da align</c> command reads and <c>da feedback export</c> writes: JSON lines, one vote
/// each, <c>{"prompt", "response", "rating": "up"|"down"}</c> plus optional <c>reason</c>, <c>tags</c>, <c>user</c>,
/// <c>adapter_checksum</c> (and, as the export writes them, <c>adapter</c>, <c>variant</c>, <c>message_id</c>,
/// <c>feedback_id</c>, <c>sequence</c>, <c>at</c>, <c>retrieved_chunk_ids</c>, <c>citations</c>: the cited chunk ids). Unknown fields are ignored, so files
/// from other tools load; blank lines are skipped.
/// </summary>
/// <remarks>
/// A malformed line refuses the whole file (<see cref="InvalidDataException"/> "file:line: problem") rather than
/// being skipped as SFT data is: a preference run must not learn from a window other than the one it reports.
/// </remarks>
public static class FeedbackFile
{
    static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads every vote of <paramref name="path"/>, in file order.</summary>
    /// <exception cref="InvalidDataException">A line is not a valid vote; the message names the file and line.</exception>
    public static IReadOnlyList<FeedbackVote> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"feedback file not found: {path}", path);
        var votes = new List<FeedbackVote>();
        var strictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        using var reader = new StreamReader(path, strictUtf8);
        var number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException)
            {
                throw new InvalidDataException($"{path}:{number + 1}: not UTF-8 text.");
            }
            if (line is null) break;
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            votes.Add(Parse(line, path, number));
        }
        return votes;
    }

    /// <summary>Parses one line; <paramref name="number"/> is its 1-based line number, for messages.</summary>
    public static FeedbackVote Parse(string line, string path, int number)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException error)
        {
            throw Problem(path, number, $"not JSON ({error.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Problem(path, number, "not a JSON object");
            var rating = RequiredText(root, "rating", path, number);
            if (rating is not ("up" or "down")) throw Problem(path, number, $"rating must be \"up\" or \"down\", got \"{rating}\"");
            return new FeedbackVote
            {
                Prompt = RequiredText(root, "prompt", path, number),
                Response = Text(root, "response", path, number) ?? throw Problem(path, number, "missing \"response\""),
                IsUp = rating == "up",
                Reason = Text(root, "reason", path, number),
                Tags = TextList(root, "tags", path, number),
                User = Text(root, "user", path, number),
                AdapterChecksum = Text(root, "adapter_checksum", path, number),
                Adapter = Text(root, "adapter", path, number),
                Variant = Text(root, "variant", path, number),
                MessageId = Text(root, "message_id", path, number),
                FeedbackId = Text(root, "feedback_id", path, number),
                Sequence = Integer(root, "sequence", path, number),
                At = Time(root, "at", path, number),
                RetrievedChunkIds = TextList(root, "retrieved_chunk_ids", path, number),
                Citations = TextList(root, "citations", path, number),
                Line = number,
            };
        }
    }

    /// <summary>Writes <paramref name="votes"/> as JSON lines (UTF-8, no BOM), replacing the file.</summary>
    public static void Write(string path, IEnumerable<FeedbackVote> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var partial = Partial(path);
        using (var stream = File.Create(partial))
            foreach (var vote in votes) WriteLine(stream, vote);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>
    /// Writes <paramref name="votes"/> as they arrive (a store read page by page: never all in memory), replacing the
    /// file once the last is written; a failure or cancellation on the way leaves the file as it was.
    /// </summary>
    public static async Task WriteAsync(string path, IAsyncEnumerable<FeedbackVote> votes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var partial = Partial(path);
        try
        {
            await using (var stream = File.Create(partial))
                await foreach (var vote in votes.WithCancellation(cancellationToken)) WriteLine(stream, vote);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        File.Move(partial, path, overwrite: true);
    }

    // Whole or absent, never cut short: an alignment run resumed after a crash trains on the file its first attempt
    // wrote. The votes go to this file first, which replaces the real one only once complete.
    static string Partial(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        return path + ".partial";
    }

    static void WriteLine(Stream stream, FeedbackVote vote)
    {
        using (var json = new Utf8JsonWriter(stream, WriterOptions)) WriteVote(json, vote);
        stream.WriteByte((byte)'\n');
    }

    static void WriteVote(Utf8JsonWriter json, FeedbackVote vote)
    {
        json.WriteStartObject();
        json.WriteString("prompt", vote.Prompt);
        json.WriteString("response", vote.Response);
        json.WriteString("rating", vote.Rating);
        if (vote.Reason is { } reason) json.WriteString("reason", reason);
        WriteList(json, "tags", vote.Tags);
        if (vote.User is { } user) json.WriteString("user", user);
        if (vote.AdapterChecksum is { } checksum) json.WriteString("adapter_checksum", checksum);
        if (vote.Adapter is { } adapter) json.WriteString("adapter", adapter);
        if (vote.Variant is { } variant) json.WriteString("variant", variant);
        if (vote.MessageId is { } message) json.WriteString("message_id", message);
        if (vote.FeedbackId is { } id) json.WriteString("feedback_id", id);
        if (vote.Sequence is { } sequence) json.WriteNumber("sequence", sequence);
        if (vote.At is { } at) json.WriteString("at", at.ToString("O", CultureInfo.InvariantCulture));
        WriteList(json, "retrieved_chunk_ids", vote.RetrievedChunkIds);
        WriteList(json, "citations", vote.Citations);
        json.WriteEndObject();
    }

    static void WriteList(Utf8JsonWriter json, string name, IReadOnlyList<string> items)
    {
        json.WriteStartArray(name);
        foreach (var item in items) json.WriteStringValue(item);
        json.WriteEndArray();
    }

    static string RequiredText(JsonElement root, string name, string path, int number) =>
        Text(root, name, path, number) is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw Problem(path, number, $"missing or empty \"{name}\"");

    /// <summary>A string field; null when absent or JSON null; an error when of another type.</summary>
    static string? Text(JsonElement root, string name, string path, int number)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Problem(path, number, $"\"{name}\" must be a string");
    }

    static IReadOnlyList<string> TextList(JsonElement root, string name, string path, int number)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            throw Problem(path, number, $"\"{name}\" must be an array of strings");
        return [.. value.EnumerateArray().Select(v => v.GetString()!)];
    }

    static long? Integer(JsonElement root, string name, string path, int number)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer) ? integer : throw Problem(path, number, $"\"{name}\" must be an integer");
    }

    static DateTimeOffset? Time(JsonElement root, string name, string path, int number)
    {
        if (Text(root, name, path, number) is not { } text) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : throw Problem(path, number, $"\"{name}\" is not an ISO 8601 time");
    }

    static InvalidDataException Problem(string path, int number, string problem) => new($"{path}:{number}: {problem}.");
}
