using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Http;
using DomainAssistant.Retrieval.Lexical;

namespace DomainAssistant.Api.Sources;

/// <summary><c>GET /api/chunks/{id}</c>: the text of a cited chunk with its document's title and source, so a citation can be opened.</summary>
public static class SourcesApi
{
    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/chunks/{id}", FindAsync).WithName("Chunk").RequireAuthorization(Policies.Chat);
        return app;
    }

    /// <summary>A chunk as a citation shows it.</summary>
    public sealed record ChunkView(string Id, string Domain, string DocumentId, string Title, string Source, int Ordinal, string Text);

    static async Task<IResult> FindAsync(string id, IChunkCatalog chunks, CancellationToken cancellationToken)
    {
        if (id.Length > 100) return Problems.NotFound("No chunk has this id.");
        var found = await chunks.GetChunksAsync([id], cancellationToken);
        return found.TryGetValue(id, out var chunk)
            ? Results.Ok(new ChunkView(chunk.Id, chunk.Domain, chunk.DocumentId, chunk.Title, chunk.SourcePath, chunk.Ordinal, chunk.Text))
            : Problems.NotFound($"No chunk has id {id} (the document may have been re-indexed since).");
    }
}
