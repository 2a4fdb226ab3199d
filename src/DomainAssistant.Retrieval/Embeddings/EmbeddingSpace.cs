using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Retrieval.Embeddings;

/// <summary>
/// Which embedding model made a set of vectors, and their length. Vectors of two spaces cannot be compared: an index
/// records the space that built it (<see cref="Lexical.IChunkCatalog.GetEmbeddingSpaceAsync"/>) and holds no other.
/// </summary>
/// <param name="ModelId">The generator's model id (for a model, one that changes when its weights do).</param>
/// <param name="Dimensions">Vector length.</param>
public sealed record EmbeddingSpace(string ModelId, int Dimensions)
{
    /// <summary>
    /// A short name safe in file and collection names that differs for every space: the model id's letters and
    /// digits (at most 40), the dimensions, and 8 hex digits of the id's SHA-256.
    /// </summary>
    public string Key
    {
        get
        {
            var safe = new StringBuilder();
            foreach (var c in ModelId)
            {
                if (safe.Length == 40) break;
                safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
            }
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ModelId)))[..8];
            return $"{safe}-{Dimensions}-{hash}";
        }
    }

    /// <summary>
    /// The space of <paramref name="generator"/>'s vectors, from its <see cref="EmbeddingGeneratorMetadata"/>; when the
    /// metadata leaves the length out, one probe text is embedded to measure it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The generator names no model id: nothing could tell its vectors from another's.</exception>
    public static async Task<EmbeddingSpace> OfAsync(IEmbeddingGenerator<string, Embedding<float>> generator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        var modelId = metadata?.DefaultModelId;
        if (string.IsNullOrWhiteSpace(modelId))
            throw new InvalidOperationException(
                $"The embedding generator {generator.GetType().FullName} reports no model id in its EmbeddingGeneratorMetadata; " +
                "an index must know which model built its vectors, so set one.");
        var dimensions = metadata!.DefaultModelDimensions
            ?? (await generator.GenerateVectorAsync("dimension probe", cancellationToken: cancellationToken)).Length;
        return new EmbeddingSpace(modelId, dimensions);
    }

    /// <summary>"model-id (n dimensions)".</summary>
    public override string ToString() => $"{ModelId} ({Dimensions} dimensions)";
}
