using System.Text.Json;

namespace DomainAssistant.Training.Tests.Support;

/// <summary>Seeded templated question/answer pairs with a pattern a tiny model can learn in a few steps.</summary>
public static class QuestionAnswers
{
    static readonly string[] Names = ["Ada", "Bo", "Cy", "Di", "Ed", "Flo"];
    static readonly string[] Things = ["invoice", "refund", "order", "parcel", "warranty"];

    /// <summary><paramref name="count"/> JSON lines {"question", "answer"}.</summary>
    public static IEnumerable<string> Lines(int count, int seed = 5)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var (name, thing) = (Names[random.Next(Names.Length)], Things[random.Next(Things.Length)]);
            yield return JsonSerializer.Serialize(new { question = $"Where is the {thing} of {name}?", answer = $"The {thing} of {name} is ready." });
        }
    }

    /// <summary>Writes the lines to <paramref name="name"/> in <paramref name="folder"/>; returns the path.</summary>
    public static string Write(TempFolder folder, string name, int count, int seed = 5) =>
        folder.File(name, string.Join('\n', Lines(count, seed)) + "\n");
}
