using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Extensions.DependencyInjection;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Serving;

namespace DomainAssistant.Api.Tests.Embeddings;

public sealed partial class ModelEmbeddingTests
{
    static Dictionary<string, string?> Settings(string dataDirectory, string embeddings = "Model") => new()
    {
        ["Storage:DataDirectory"] = dataDirectory,
        ["Retrieval:Embeddings"] = embeddings,
    };

    [Fact]
    public async Task The_index_built_before_the_model_is_re_embedded_with_it_as_a_job_and_dense_retrieval_uses_it()
    {
        using var data = new TempFolder();
        using var host = new AssistantHost(Settings(data.Path));
        var client = await host.ReadyClientAsync();
        var catalog = host.Services.GetRequiredService<IChunkCatalog>();
        var model = host.Services.GetRequiredService<ModelHost>().Current!;
        var retrieval = host.Services.GetRequiredService<ActiveRetrieval>();

        var space = await catalog.GetEmbeddingSpaceAsync();
        Assert.Equal(new EmbeddingSpace(model.Embedder.ModelId, 64), space);
        Assert.StartsWith("pooled-hidden-states:", space!.ModelId, StringComparison.Ordinal);
        Assert.Equal(space, retrieval.Current.Space);

        // The re-embedding ran as a job that clients can follow, and covered every chunk of the lexical index.
        var chunks = await catalog.CountChunksAsync(null);
        var job = await JobAsync(client, host.Log);
        Assert.Equal((EmbeddingSwitch.JobKind, "succeeded"), (job.GetProperty("kind").GetString(), job.GetProperty("state").GetString()));
        Assert.Equal(chunks, job.GetProperty("chunksDone").GetInt32());
        var stores = host.Services.GetRequiredService<VectorStoresBySpace>();
        Assert.Equal(chunks, await stores.Open(space).CountAsync(null));
        Assert.False(Directory.Exists(stores.FolderOf(retrieval.Fallback.Space)), "the hashing vectors are deleted once the model's are complete");

        // Dense search with the model's vectors: a chunk's own text finds that chunk first.
        var documentId = (await catalog.ListDocumentsAsync(AssistantHost.Domain))[0];
        var chunk = (await catalog.GetDocumentChunksAsync(AssistantHost.Domain, documentId))[0];
        var dense = await retrieval.Current.Retriever.RetrieveAsync(chunk.Text, AssistantHost.Domain, 3, RetrievalMode.Dense);
        Assert.Equal(chunk.Id, dense[0].Chunk.Id);
        Assert.Equal(RetrievalSources.Dense, dense[0].Sources);
    }

    [Fact]
    public async Task A_restart_with_the_same_model_keeps_its_vectors_and_switching_to_hashing_re_embeds_again()
    {
        using var data = new TempFolder();
        EmbeddingSpace modelSpace;
        using (var first = new AssistantHost(Settings(data.Path)))
        {
            await first.ReadyClientAsync();
            modelSpace = (await first.Services.GetRequiredService<IChunkCatalog>().GetEmbeddingSpaceAsync())!;
        }

        using (var second = new AssistantHost(Settings(data.Path)))
        {
            await second.ReadyClientAsync();
            Assert.Equal(modelSpace, await second.Services.GetRequiredService<IChunkCatalog>().GetEmbeddingSpaceAsync());
            Assert.False(second.Log.Contains("re-embedding every chunk"), "an unchanged model's vectors are kept");
            Assert.True(second.Log.Contains($"Retrieval serves dense search with {modelSpace}"));
        }

        using var third = new AssistantHost(Settings(data.Path, embeddings: "Hashing"));
        var client = await third.ReadyClientAsync();
        var catalog = third.Services.GetRequiredService<IChunkCatalog>();
        var hashing = new EmbeddingSpace(HashingEmbeddingGenerator.ModelId, 256);
        Assert.Equal(hashing, await catalog.GetEmbeddingSpaceAsync());
        var job = await JobAsync(client, third.Log);
        Assert.Equal(await catalog.CountChunksAsync(null), job.GetProperty("chunksDone").GetInt32());
        var stores = third.Services.GetRequiredService<VectorStoresBySpace>();
        Assert.False(Directory.Exists(stores.FolderOf(modelSpace)), "never two spaces side by side once the switch is done");
        var dense = await third.Services.GetRequiredService<ActiveRetrieval>().Current.Retriever
            .RetrieveAsync("When is the blue bin collected?", AssistantHost.Domain, 3, RetrievalMode.Dense);
        Assert.NotEmpty(dense);
    }

    /// <summary>The re-embedding job named in the log, as GET /api/jobs/{id} shows it to the domain team.</summary>
    static async Task<JsonElement> JobAsync(HttpClient client, CapturedLog log)
    {
        var line = log.Lines.Last(l => l.Contains("re-embedding every chunk", StringComparison.Ordinal));
        var id = JobId().Match(line).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/jobs/{id}", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AssistantHost.TeamKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [GeneratedRegex(@"Job ([0-9a-f-]{36})")]
    private static partial Regex JobId();
}
