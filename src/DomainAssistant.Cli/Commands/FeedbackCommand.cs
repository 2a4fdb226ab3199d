using System.CommandLine;
using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Feedback.Filing;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `da feedback export` writes a host's filed feedback as the JSON lines every `da align` command reads: from the
/// embedded host's data folder, or from the scale-out stack's PostgreSQL database.
/// </summary>
public static class FeedbackCommand
{
    public static Command Create() => new("feedback", "Move filed feedback to and from other tools.") { Export() };

    static Command Export()
    {
        var data = new Option<string?>("--data") { Description = "The host's data directory (Storage:DataDirectory), holding training-examples.db (not needed with --postgres)." };
        var shared = new SharedDatabaseOption();
        var output = new Option<string>("--out") { Description = "JSON Lines file to write (one vote per line).", Required = true };
        var after = new Option<long>("--after") { Description = "Only votes filed after this sequence number.", DefaultValueFactory = _ => 0 };
        var command = new Command("export", "Write filed feedback as JSON lines {prompt, response, rating, reason, tags, adapter_checksum, ...}.") { data, shared.Option, output, after };
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            var (outputFile, afterSequence) = (parse.GetRequiredValue(output), parse.GetValue(after));
            await using var database = shared.Open(parse);
            var result = database is not null
                ? await FeedbackExport.ExportAsync(new PostgresFeedbackInbox(database), $"PostgreSQL {database.Name}", outputFile, null, afterSequence, cancellationToken: cancellation)
                : parse.GetValue(data) is { } folder
                    ? await FeedbackExport.ExportAsync(folder, outputFile, afterSequence, cancellation)
                    : throw new ArgumentException("say where the filed feedback is: --data FOLDER (the embedded host's data directory) or --postgres CONNECTION (the scale-out stack's database)");
            await parse.InvocationConfiguration.Output.WriteLineAsync(result.Votes == 0
                ? $"no votes filed in {result.Database}; wrote an empty {parse.GetRequiredValue(output)}"
                : $"{result.Votes} votes (sequence {result.FirstSequence}..{result.LastSequence}) from {result.Database} -> {parse.GetRequiredValue(output)}");
            return 0;
        }));
        return command;
    }
}
