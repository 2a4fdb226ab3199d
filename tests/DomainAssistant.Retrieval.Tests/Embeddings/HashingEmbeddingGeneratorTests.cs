using System.Numerics.Tensors;
using DomainAssistant.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Retrieval.Tests.Embeddings;

public class HashingEmbeddingGeneratorTests
{
    static float Cosine(float[] a, float[] b) => TensorPrimitives.CosineSimilarity(a, b);

    [Fact]
    public async Task Embeds_each_text_as_a_unit_vector_of_the_configured_length()
    {
        using var generator = new HashingEmbeddingGenerator(dimensions: 64);

        var embeddings = await generator.GenerateAsync(["restore a backup", "", "!!!"]);

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(64, e.Vector.Length));
        Assert.All(embeddings, e => Assert.Equal(1f, TensorPrimitives.Norm(e.Vector.Span), precision: 5));
        Assert.All(embeddings, e => Assert.Equal(HashingEmbeddingGenerator.ModelId, e.ModelId));
    }

    [Fact]
    public void Is_deterministic_and_case_insensitive()
    {
        Assert.Equal(HashingEmbeddingGenerator.Embed("Restore the Backup", 128), HashingEmbeddingGenerator.Embed("restore the backup", 128));
    }

    [Fact]
    public void Texts_sharing_words_are_closer_than_texts_sharing_none()
    {
        var query = HashingEmbeddingGenerator.Embed("how to restore a database backup", 256);
        var related = HashingEmbeddingGenerator.Embed("the database backup is restored with the restore command", 256);
        var unrelated = HashingEmbeddingGenerator.Embed("certificates renew automatically before expiry", 256);

        Assert.True(Cosine(query, related) > Cosine(query, unrelated) + 0.2f);
    }

    [Fact]
    public void Word_forms_stay_close_through_trigrams()
    {
        var index = HashingEmbeddingGenerator.Embed("indexes", 256);

        Assert.True(Cosine(index, HashingEmbeddingGenerator.Embed("index", 256)) > Cosine(index, HashingEmbeddingGenerator.Embed("gardens", 256)));
    }

    [Fact]
    public void Reports_its_metadata()
    {
        using var generator = new HashingEmbeddingGenerator(dimensions: 32);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.Equal(32, metadata?.DefaultModelDimensions);
        Assert.Equal(HashingEmbeddingGenerator.ModelId, metadata?.DefaultModelId);
    }
}
