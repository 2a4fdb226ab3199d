using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DomainAssistant.Storage.Lineage;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `da lineage show ID|SHA256`: an artifact and everything it was made from, nearest first, from the lineage ledger;
/// `--json` prints the chain as one JSON object. An id that is malformed or not in the ledger is exit code 1 with
/// one line saying which.
/// </summary>
public static class LineageCommand
{
    public static Command Create() => new("lineage", "What the loop made and what each artifact was made from (the lineage ledger).") { Show() };

    static Command Show()
    {
        var artifact = new Argument<string>("id") { Description = "The artifact's lineage id (16 hex digits) or SHA-256 (64)." };
        var ledger = new LedgerOption();
        var json = new Option<bool>("--json") { Description = "Print the chain as one JSON object." };
        var command = new Command("show", "Print an artifact's ancestry: itself, its parents, theirs, each once.") { artifact, ledger.Option, ledger.Shared.Option, json };
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var path = parse.GetRequiredValue(ledger.Option);
            await using var open = ledger.Open(parse);
            if (open.Database is null && !File.Exists(path))
            {
                await error.WriteLineAsync($"error: no lineage ledger at {Path.GetFullPath(path)} (record into it with da train, da align or da eval gate, or pass --ledger).");
                return 1;
            }
            IReadOnlyList<LineageRecord> chain;
            try
            {
                chain = await open.Ledger.AncestryAsync(parse.GetRequiredValue(artifact), cancellation);
            }
            catch (LineageNotFoundException missing)
            {
                await error.WriteLineAsync($"error: {missing.Message}");
                return 1;
            }
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = chain[0].Id, ["chain"] = chain }, LineageRecord.JsonLine));
                return 0;
            }
            foreach (var (record, depth) in Depths(chain)) await output.WriteAsync(Describe(record, depth));
            return 0;
        }));
        return command;
    }

    /// <summary>Each record with its distance from the first, the nearest way (the chain is breadth first).</summary>
    static IEnumerable<(LineageRecord Record, int Depth)> Depths(IReadOnlyList<LineageRecord> chain)
    {
        var depths = new Dictionary<string, int>(StringComparer.Ordinal) { [chain[0].Id] = 0 };
        foreach (var record in chain)
        {
            var depth = depths[record.Id];
            foreach (var parent in record.Parents) depths.TryAdd(parent.Id, depth + 1);
            yield return (record, depth);
        }
    }

    static string Describe(LineageRecord record, int depth)
    {
        var indent = new string(' ', depth * 2);
        var lines = new List<string> { $"{indent}{record.Kind.Name()} {record.Id}  sha256 {record.Sha256}" };
        if (record.Path is { } path) lines.Add($"{indent}  path: {path}");
        lines.Add(record.ProducedBy == LineageRecord.Referenced
            ? $"{indent}  known only as a parent (not recorded by what made it)"
            : $"{indent}  made by {record.ProducedBy} at {record.CreatedAt.ToString("u", CultureInfo.InvariantCulture)}");
        foreach (var key in new[] { "method", "stop_reason", "verdict", "steps" })
            if (record.Details.TryGetValue(key, out var value)) lines.Add($"{indent}  {key}: {value}");
        if (record.Parents.Count > 0) lines.Add($"{indent}  parents: {string.Join(", ", record.Parents.Select(p => $"{p.Kind.Name()} {p.Id}"))}");
        return string.Join('\n', lines) + "\n";
    }
}
