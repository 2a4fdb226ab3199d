using System.CommandLine;
using DomainAssistant.Alignment.Feedback;

namespace DomainAssistant.Cli.Commands;

/// <summary>`da feedback export` writes a host's filed feedback as the JSON lines every `da align` command reads.</summary>
public static class FeedbackCommand
{
    public static Command Create() => new("feedback", "Move filed feedback to and from other tools.") { Export() };

    static Command Export()
    {
        var data = new Option<string>("--data") { Description = "The host's data directory (Storage:DataDirectory), holding training-examples.db.", Required = true };
        var output = new Option<string>("--out") { Description = "JSON Lines file to write (one vote per line).", Required = true };
        var after = new Option<long>("--after") { Description = "Only votes filed after this sequence number.", DefaultValueFactory = _ => 0 };
        var command = new Command("export", "Write filed feedback as JSON lines {prompt, response, rating, reason, tags, adapter_checksum, ...}.") { data, output, after };
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            var result = await FeedbackExport.ExportAsync(parse.GetRequiredValue(data), parse.GetRequiredValue(output), parse.GetValue(after), cancellation);
            await parse.InvocationConfiguration.Output.WriteLineAsync(result.Votes == 0
                ? $"no votes filed in {result.Database}; wrote an empty {parse.GetRequiredValue(output)}"
                : $"{result.Votes} votes (sequence {result.FirstSequence}..{result.LastSequence}) from {result.Database} -> {parse.GetRequiredValue(output)}");
            return 0;
        }));
        return command;
    }
}
