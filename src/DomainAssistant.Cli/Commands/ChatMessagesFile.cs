using System.Text.Json;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Training.Corpus;

namespace DomainAssistant.Cli.Commands;

/// <summary>A conversation file for `da tokenizer chat`: a JSON array of {"role": ..., "content": ...} objects.</summary>
static class ChatMessagesFile
{
    /// <exception cref="InvalidDataException">The file is not such an array; the message names the file and the entry.</exception>
    public static List<ChatMessage> Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(Utf8TextFile.Read(path));
            if (document.RootElement.ValueKind != JsonValueKind.Array) throw new InvalidDataException("the top level is not an array of messages.");
            return [.. document.RootElement.EnumerateArray().Select((message, index) =>
            {
                string? Field(string name) =>
                    message.ValueKind == JsonValueKind.Object && message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                        ? value.GetString() : null;
                var role = Field("role");
                var content = Field("content");
                if (string.IsNullOrWhiteSpace(role) || content is null)
                    throw new InvalidDataException($"message {index} needs a \"role\" and a string \"content\".");
                return new ChatMessage(role, content);
            })];
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }
}
