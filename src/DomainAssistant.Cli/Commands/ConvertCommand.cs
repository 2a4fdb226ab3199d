using System.CommandLine;
using DomainAssistant.Model.Checkpoints;

namespace DomainAssistant.Cli.Commands;

/// <summary>`da convert`: llama2.c checkpoint + tokenizer to a Hugging Face folder.</summary>
public static class ConvertCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "source format (llama2c)", Required = true };
        var checkpoint = new Argument<string>("MODEL") { Description = "the llama2.c .bin checkpoint" };
        var tokenizer = new Option<string>("--tokenizer") { Description = "the llama2.c tokenizer.bin", Required = true };
        var output = new Option<string>("--out") { Description = "output folder (created; existing model files are replaced)", Required = true };
        from.AcceptOnlyFromAmong("llama2c");

        var command = new Command("convert", "Convert a llama2.c checkpoint and tokenizer into a Hugging Face folder.")
        {
            from, checkpoint, tokenizer, output,
        };
        command.SetAction(CommandErrors.Guard(async (parse, _) =>
        {
            var outFolder = parse.GetValue(output)!;
            Llama2cConversion.Convert(parse.GetValue(checkpoint)!, parse.GetValue(tokenizer)!, outFolder);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"wrote {Path.GetFullPath(outFolder)}");
            return 0;
        }));
        return command;
    }
}
