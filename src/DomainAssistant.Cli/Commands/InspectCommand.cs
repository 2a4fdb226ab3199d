using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DomainAssistant.Cli.Commands;

/// <summary>`da inspect --model DIR`: what was recognised in a Hugging Face folder, before serving it.</summary>
public static class InspectCommand
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face folder: config.json, *.safetensors, tokenizer files.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of lines." };
        var command = new Command("inspect", "Show what a model folder holds as this product reads it: family, parameters, dtype, memory, context, tokenizer pipeline, chat template, special tokens, and what is ignored.")
        {
            model, json,
        };
        command.SetAction(CommandErrors.Guard(async (parse, _) =>
        {
            var inspection = ModelInspection.Of(parse.GetRequiredValue(model));
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(inspection, Json));
            else foreach (var line in inspection.Lines()) await output.WriteLineAsync(line);
            return 0;
        }));
        return command;
    }
}
