using System.Text.Json;

namespace DomainAssistant.Grounding;

/// <summary>Grounded examples on disk: one <c>{"messages": [...], "kind": ..., "cited": ...}</c> line each, the format the SFT reader reads.</summary>
public static class GroundedExampleFile
{
    /// <summary>Writes <paramref name="examples"/> to <paramref name="path"/> (its folder created), replacing what was there.</summary>
    public static async Task WriteAsync(IEnumerable<GroundedExample> examples, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var writer = new StreamWriter(path);
        foreach (var example in examples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var messages = example.Messages.Select(m => new { role = m.Role, content = m.Content });
            await writer.WriteLineAsync(JsonSerializer.Serialize(new { messages, kind = example.Kind.ToString(), cited = example.Cited }));
        }
    }
}
