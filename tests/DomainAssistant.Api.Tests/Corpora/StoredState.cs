using System.Security.Cryptography;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Retrieval.Lexical;
using Microsoft.Extensions.DependencyInjection;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// Everything an upload could change: every stored corpus file (path and SHA-256), the jobs, and the domain's indexed
/// documents and chunks. A refused upload must leave all of it as it was.
/// </summary>
public sealed record StoredState(SortedDictionary<string, string> Files, long Jobs, IReadOnlyList<string> Documents, long Chunks)
{
    public static async Task<StoredState> CaptureAsync(UploadHost host)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var corpora = Path.Combine(host.DataDirectory, "domains");
        if (Directory.Exists(corpora))
            foreach (var file in Directory.EnumerateFiles(corpora, "*", SearchOption.AllDirectories))
                files[Path.GetRelativePath(corpora, file)] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        var catalog = host.Services.GetRequiredService<IChunkCatalog>();
        return new StoredState(files, await host.Services.GetRequiredService<IJobStore>().CountAsync(default),
            await catalog.ListDocumentsAsync(UploadHost.Domain), await catalog.CountChunksAsync(UploadHost.Domain));
    }

    public void AssertUnchangedIn(StoredState after)
    {
        ArgumentNullException.ThrowIfNull(after);
        Assert.Equal(Files, after.Files);
        Assert.Equal(Jobs, after.Jobs);
        Assert.Equal(Documents, after.Documents);
        Assert.Equal(Chunks, after.Chunks);
    }
}
