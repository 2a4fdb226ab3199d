using DomainAssistant.Retrieval.Citations;
using DomainAssistant.Api.Serving;
using DomainAssistant.Storage.Conversations;

namespace DomainAssistant.Api.Chat;

/// <summary>
/// What an answer cites: only the chunks its [n] markers name (not everything retrieved), so a listed source is one
/// the answer points at. A marker whose number names no chunk of the prompt (the model made it up) is dropped and
/// counted, and an answer with nothing cited says so.
/// </summary>
/// <param name="Cited">The chunks named by a marker, each once, in order of first mention.</param>
/// <param name="DroppedMarkers">Numbers in markers that name no chunk of the prompt, each counted once.</param>
public sealed record AnswerCitations(IReadOnlyList<CitationRecord> Cited, int DroppedMarkers)
{
    /// <summary>True when no marker names a chunk of the prompt: none was written, or only made-up numbers were.</summary>
    public bool Uncited => Cited.Count == 0;

    /// <summary>Reads the markers of <paramref name="answer"/> against the chunks numbered in its prompt.</summary>
    public static AnswerCitations Of(CitationMap context, string answer)
    {
        ArgumentNullException.ThrowIfNull(context);
        var resolution = context.Resolve(answer);
        return new([.. resolution.Cited.Select(c => new CitationRecord(c.Number, c.Chunk.Id, c.SourcePath, c.Title))], resolution.Unknown.Count);
    }
}
