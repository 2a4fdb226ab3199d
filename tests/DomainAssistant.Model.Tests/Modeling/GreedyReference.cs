using System.Text.Json;
using System.Text.Json.Serialization;
using DomainAssistant.Model.Tests.Support;

namespace DomainAssistant.Model.Tests.Modeling;

/// <summary>llama2.c run.c's greedy run on stories260K (../shared/models/stories260K/greedy-reference.json).</summary>
public sealed record GreedyReference(
    [property: JsonPropertyName("cases")] IReadOnlyList<GreedyCase> Cases)
{
    public static GreedyReference Load() =>
        JsonSerializer.Deserialize<GreedyReference>(File.ReadAllText(SharedModels.GreedyReference))
        ?? throw new InvalidDataException("greedy-reference.json is empty.");
}

/// <summary>One prompt: the token fed at each position and what the reference computed there.</summary>
public sealed record GreedyCase(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("steps")] IReadOnlyList<GreedyStep> Steps)
{
    public long[] Tokens => Steps.Select(s => (long)s.Token).ToArray();

    /// <summary>Positions whose next token was forced by the prompt (the input at the next step differs from this argmax, or comes before the last such).</summary>
    public int PromptLength
    {
        get
        {
            var last = 0;
            for (var i = 0; i + 1 < Steps.Count; i++)
                if (Steps[i + 1].Token != Steps[i].Argmax) last = i + 1;
            return last + 1;
        }
    }
}

public sealed record GreedyStep(
    [property: JsonPropertyName("pos")] int Pos,
    [property: JsonPropertyName("token")] int Token,
    [property: JsonPropertyName("argmax")] int Argmax,
    [property: JsonPropertyName("logsumexp")] double LogSumExp,
    [property: JsonPropertyName("logits_head")] IReadOnlyList<double> LogitsHead);
