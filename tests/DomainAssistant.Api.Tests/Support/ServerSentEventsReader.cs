using System.Text.Json;

namespace DomainAssistant.Api.Tests.Support;

/// <summary>Reads a server-sent events response: the data of each event, in order, as it arrives.</summary>
public static class ServerSentEventsReader
{
    public static async Task<List<string>> ReadDataAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var data = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Add(line["data: ".Length..]);
            else if (line.Length > 0) throw new InvalidDataException($"unexpected line in the event stream: '{line}'");
        }
        return data;
    }

    public static async Task<List<JsonElement>> ReadJsonAsync(HttpResponseMessage response) =>
        [.. (await ReadDataAsync(response)).Select(d => JsonDocument.Parse(d).RootElement.Clone())];
}
