using System.Text.Json.Nodes;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>Reads what a Hugging Face folder's generation_config.json says about stopping.</summary>
public static class GenerationConfig
{
    public const string FileName = "generation_config.json";

    /// <summary>
    /// The eos_token_id entry (a number or a list of numbers) of generation_config.json; without that file, config.json's,
    /// since transformers then builds the generation config from the model config (Llama 3.x lists its turn ends
    /// there too). Empty when neither names one.
    /// </summary>
    public static IReadOnlyList<int> EosTokenIds(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) path = Path.Combine(folder, HuggingFaceConfig.FileName);
        if (!File.Exists(path)) return [];
        JsonNode? eos;
        try
        {
            eos = JsonNode.Parse(File.ReadAllText(path))?["eos_token_id"];
        }
        catch (System.Text.Json.JsonException error)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({error.Message}).", error);
        }
        return eos switch
        {
            null => [],
            JsonArray list => list.Select(n => n!.GetValue<int>()).ToArray(),
            _ => [eos.GetValue<int>()],
        };
    }
}
