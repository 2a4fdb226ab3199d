using DomainAssistant.Retrieval.Tests.Support;
using DomainAssistant.Retrieval.Vectors;
using static DomainAssistant.Retrieval.Tests.Support.Points;

namespace DomainAssistant.Retrieval.Tests.Vectors;

public sealed class EmbeddedVectorIndexTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    static async Task SeedAsync(EmbeddedVectorIndex index)
    {
        await index.UpsertAsync([
            Point("ops", "a.md", 0, 1, 0, 0),
            Point("ops", "a.md", 1, 1, 1, 0),
            Point("ops", "b.md", 0, 0, 1, 0),
            Point("ops", "c.md", 0, 0, 0, 5),
            Point("billing", "x.md", 0, 1, 0, 0.1f),
        ]);
    }

    [Fact]
    public async Task Finds_nearest_chunks_by_cosine_similarity()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);
        await SeedAsync(index);

        var hits = await index.SearchAsync(new float[] { 10, 0.5f, 0 }, "ops", k: 3);

        Assert.Equal([Chunk("ops", "a.md", 0).Id, Chunk("ops", "a.md", 1).Id, Chunk("ops", "b.md", 0).Id], hits.Select(h => h.ChunkId));
        var expected = 10 / Math.Sqrt(100.25);
        Assert.Equal(expected, hits[0].Score, precision: 5);
        Assert.Equal((10 + 0.5) / Math.Sqrt(100.25) / Math.Sqrt(2), hits[1].Score, precision: 5);
    }

    [Fact]
    public async Task Searches_only_the_requested_domain()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);
        await SeedAsync(index);

        var billing = await index.SearchAsync(new float[] { 1, 0, 0 }, "billing", k: 10);
        var ops = await index.SearchAsync(new float[] { 1, 0, 0 }, "ops", k: 10);

        Assert.Equal(Chunk("billing", "x.md", 0).Id, Assert.Single(billing).ChunkId);
        Assert.Equal(4, ops.Count);
        Assert.DoesNotContain(ops, h => h.ChunkId == Chunk("billing", "x.md", 0).Id);
        Assert.Empty(await index.SearchAsync(new float[] { 1, 0, 0 }, "unknown", k: 10));
        Assert.Equal(5, await index.CountAsync(null));
        Assert.Equal(4, await index.CountAsync("ops"));
    }

    [Fact]
    public async Task Sees_what_another_process_wrote_once_told_to_read_the_domain_again()
    {
        var serving = new EmbeddedVectorIndex(_folder.Path);
        await SeedAsync(serving);
        var worker = new EmbeddedVectorIndex(_folder.Path); // another process's object over the same folder
        await worker.DeleteDocumentAsync("ops", "c.md");
        await worker.UpsertAsync([Point("ops", "d.md", 0, 0, 0, 1)]);

        Assert.Equal(4, await serving.CountAsync("ops")); // its copy in memory
        serving.Reread("ops");

        Assert.Equal(4, await serving.CountAsync("ops"));
        var hits = await serving.SearchAsync(new float[] { 0, 0, 1 }, "ops", k: 1);
        Assert.Equal(Chunk("ops", "d.md", 0).Id, Assert.Single(hits).ChunkId);
        Assert.Equal(1, await serving.CountAsync("billing"));
    }

    [Fact]
    public async Task Survives_a_restart_with_the_same_results()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);
        await SeedAsync(index);
        var query = new float[] { 0.3f, 0.9f, 0.2f };
        var before = await index.SearchAsync(query, "ops", k: 4);

        var reopened = new EmbeddedVectorIndex(_folder.Path);

        Assert.Equal(5, await reopened.CountAsync(null));
        Assert.Equal(before, await reopened.SearchAsync(query, "ops", k: 4));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp"));
    }

    [Fact]
    public async Task Deleting_a_document_removes_its_chunks_on_disk_too()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);
        await SeedAsync(index);

        await index.DeleteDocumentAsync("ops", "a.md");

        var reopened = new EmbeddedVectorIndex(_folder.Path);
        var hits = await reopened.SearchAsync(new float[] { 1, 0, 0 }, "ops", k: 10);
        Assert.Equal(2, hits.Count);
        Assert.DoesNotContain(hits, h => h.ChunkId == Chunk("ops", "a.md", 0).Id || h.ChunkId == Chunk("ops", "a.md", 1).Id);
        Assert.Equal(1, await reopened.CountAsync("billing"));
    }

    [Fact]
    public async Task Upserting_a_chunk_again_overwrites_it()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);
        await SeedAsync(index);

        await index.UpsertAsync([Point("ops", "c.md", 0, 1, 0, 0)]);

        Assert.Equal(4, await index.CountAsync("ops"));
        var hits = await index.SearchAsync(new float[] { 1, 0, 0 }, "ops", k: 2);
        Assert.Contains(hits, h => h.ChunkId == Chunk("ops", "c.md", 0).Id && Math.Abs(h.Score - 1) < 1e-6);
    }

    [Fact]
    public async Task A_damaged_file_is_refused_with_its_name()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);
        await SeedAsync(index);
        var path = index.FileFor("ops");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new EmbeddedVectorIndex(_folder.Path).SearchAsync(new float[] { 1, 0, 0 }, "ops", 1));

        Assert.Contains(path, error.Message);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public async Task A_truncated_or_foreign_file_is_refused_with_its_name()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);
        await SeedAsync(index);
        var path = index.FileFor("ops");
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length - 7)]);
        var truncated = await Assert.ThrowsAsync<InvalidDataException>(() => new EmbeddedVectorIndex(_folder.Path).CountAsync("ops"));

        await File.WriteAllTextAsync(path, "not a vector index at all");
        var foreign = await Assert.ThrowsAsync<InvalidDataException>(() => new EmbeddedVectorIndex(_folder.Path).CountAsync("ops"));

        Assert.Contains(path, truncated.Message);
        Assert.Contains(path, foreign.Message);
        Assert.Contains("signature", foreign.Message);
    }

    [Fact]
    public async Task A_vector_of_another_dimension_is_refused_and_nothing_changes()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);
        await SeedAsync(index);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => index.UpsertAsync([
            Point("ops", "d.md", 0, 1, 0, 0),
            Point("ops", "d.md", 1, 1, 0, 0, 0),
        ]));

        Assert.Contains("4-dimensional", error.Message);
        Assert.Equal(4, await new EmbeddedVectorIndex(_folder.Path).CountAsync("ops"));
        Assert.Equal(4, await index.CountAsync("ops"));
    }

    [Fact]
    public async Task Zero_and_non_finite_vectors_are_refused()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);

        await Assert.ThrowsAsync<ArgumentException>(() => index.UpsertAsync([Point("ops", "z.md", 0, 0, 0, 0)]));
        await Assert.ThrowsAsync<ArgumentException>(() => index.UpsertAsync([Point("ops", "z.md", 0, float.NaN, 1, 0)]));
        await Assert.ThrowsAsync<ArgumentException>(() => index.SearchAsync(new float[] { 0, 0, 0 }, "ops", 1));
    }

    [Fact]
    public void Domains_that_differ_only_in_unsafe_characters_get_different_files()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);

        var slash = index.FileFor("a/b");
        var colon = index.FileFor("a:b");

        Assert.NotEqual(slash, colon);
        Assert.Equal(_folder.Path, Path.GetDirectoryName(slash));
        Assert.Equal(Path.Combine(_folder.Path, "ops" + EmbeddedVectorIndex.FileExtension), index.FileFor("ops"));
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_lose_nothing()
    {
        var index = new EmbeddedVectorIndex(_folder.Path);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await index.UpsertAsync([Point("ops", $"doc{writer}.md", i, writer + 1, i + 1, 1)]);
                await index.SearchAsync(new float[] { 1, 1, 1 }, "ops", 5);
            }
        })));

        Assert.Equal(80, await index.CountAsync("ops"));
        Assert.Equal(80, await new EmbeddedVectorIndex(_folder.Path).CountAsync("ops"));
    }
}
