using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Retrieval.Embeddings;

/// <summary>
/// A model-free embedding: the feature-hashing trick (Weinberger et al. 2009, "Feature Hashing for Large Scale
/// Multitask Learning") over lower-cased words (weight 1) and the character trigrams of each word (weight 0.5,
/// so "index" and "indexes" stay close), each feature hashed (FNV-1a, 64-bit) to a bucket and a sign, then
/// L2-normalised. Cosine similarity of two texts is then roughly their weighted word and sub-word overlap.
/// It is deterministic across runs and machines and costs microseconds. It is the fallback when no model
/// embedding generator is registered, and the generator the tests use; it knows no synonyms.
/// </summary>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Model id reported in metadata and on each embedding.</summary>
    public const string ModelId = "hashing-words-trigrams-v1";

    const float TrigramWeight = 0.5f;
    readonly EmbeddingGeneratorMetadata _metadata;

    /// <param name="dimensions">Vector length (default 256); more buckets mean fewer collisions.</param>
    public HashingEmbeddingGenerator(int dimensions = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 8);
        Dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata("hashing", providerUri: null, ModelId, dimensions);
    }

    /// <summary>Length of every vector produced.</summary>
    public int Dimensions { get; }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var dimensions = options?.Dimensions ?? Dimensions;
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 8, "options.Dimensions");
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            embeddings.Add(new Embedding<float>(Embed(value, dimensions)) { ModelId = ModelId, CreatedAt = DateTimeOffset.UtcNow });
        }
        return Task.FromResult(embeddings);
    }

    /// <summary>The vector of one text.</summary>
    public static float[] Embed(string text, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[dimensions];
        var features = 0;
        foreach (var word in Words(text))
        {
            Add(vector, Hash("w:", word), 1f);
            var padded = $"<{word}>";
            for (var i = 0; i + 3 <= padded.Length; i++) Add(vector, Hash("c:", padded.AsSpan(i, 3)), TrigramWeight);
            features++;
        }
        // A text with no words (or whose features all cancel) still needs a direction: cosine is undefined for zero.
        if (features == 0 || TensorPrimitives.Norm(vector) == 0f)
        {
            Array.Clear(vector);
            Add(vector, Hash("empty:", ""), 1f);
        }
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    static void Add(float[] vector, ulong hash, float weight)
    {
        var bucket = (int)(hash % (ulong)vector.Length);
        // The sign bit comes from the other end of the hash so it is independent of the bucket.
        vector[bucket] += (hash >> 63) == 0 ? weight : -weight;
    }

    static ulong Hash(string prefix, ReadOnlySpan<char> feature)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in prefix) hash = (hash ^ c) * 1099511628211UL;
        foreach (var c in feature) hash = (hash ^ char.ToLowerInvariant(c)) * 1099511628211UL;
        return hash;
    }

    static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                yield return text[start..i];
                start = -1;
            }
        }
    }
}
