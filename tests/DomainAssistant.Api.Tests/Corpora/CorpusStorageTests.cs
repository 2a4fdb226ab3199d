using System.Globalization;
using System.Net;
using System.Text.Json;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Retrieval.Lexical;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// Corpus versions store each file once, by content (issue 22): versions list and link what they hold; a domain's
/// files and bytes are capped with a clear 413; staging folders of cut-off uploads go at start; versions stored in the
/// layout before the content store still load and carry over.
/// </summary>
public sealed class CorpusStorageTests
{
    static string Corpora(AssistantHost host) => Path.Combine(host.DataDirectory, "domains", UploadHost.Domain, "corpora");

    static HttpClient TeamClient(AssistantHost host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", UploadHost.TeamKey);
        return client;
    }

    /// <summary>Bytes of regular files under <paramref name="folder"/>: what the disk holds, links not followed.</summary>
    static long DiskBytes(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.LinkTarget is null).Sum(f => f.Length);

    [Fact]
    public async Task Twenty_added_versions_store_each_file_once_and_every_version_lists_and_reads_all_it_holds()
    {
        using var host = new AssistantHost();
        using var client = TeamClient(host);
        var handbook = Uploads.Text("# Handbook\n" + string.Concat(Enumerable.Repeat("Bins go out by seven in the morning. ", 2000)));
        await Uploads.AcceptedAsync(client, Uploads.Of(("handbook.md", handbook)));
        for (var i = 1; i < 20; i++)
            await Uploads.AcceptedAsync(client, Uploads.Of(($"note-{i}.md", Uploads.Text($"# Note {i}\nDepot {i} opens at {i}:00."))));

        var latest = await Uploads.AcceptedAsync(client, Uploads.Of(("last.md", Uploads.Text("# Last\nThe last note."))));

        Assert.Equal(21, latest.Version.Manifest.Files.Count);
        foreach (var file in latest.Version.Manifest.Files)
        {
            var path = Path.Combine(latest.Version.Folder, file.Path);
            Assert.NotNull(new FileInfo(path).LinkTarget);
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))));
        }
        var distinct = handbook.Length + latest.Version.Manifest.Files.Where(f => f.Name != "handbook.md").Sum(f => f.Bytes);
        var manifests = Directory.EnumerateFiles(Corpora(host), CorpusManifest.FileName, SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.Equal(distinct + manifests, DiskBytes(Corpora(host)));
    }

    [Fact]
    public async Task A_version_over_Uploads_MaxDomainFiles_is_a_413_and_stores_nothing()
    {
        using var host = new AssistantHost(new Dictionary<string, string?> { ["Uploads:MaxDomainFiles"] = "3" });
        using var client = TeamClient(host);
        await Uploads.AcceptedAsync(client, Uploads.Of(("a.md", Uploads.Text("# A\na")), ("b.md", Uploads.Text("# B\nb"))));
        var before = Directory.EnumerateFileSystemEntries(Corpora(host), "*", SearchOption.AllDirectories).Order().ToList();

        using var response = await Uploads.PostAsync(client, Uploads.Of(("c.md", Uploads.Text("# C\nc")), ("d.md", Uploads.Text("# D\nd"))));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Uploads:MaxDomainFiles", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(Corpora(host), "*", SearchOption.AllDirectories).Order());
    }

    [Fact]
    public async Task Bytes_over_Uploads_MaxDomainBytes_are_a_413_while_a_file_already_stored_costs_nothing_again()
    {
        using var host = new AssistantHost(new Dictionary<string, string?> { ["Uploads:MaxBytes"] = "16384", ["Uploads:MaxDomainBytes"] = "20000" });
        using var client = TeamClient(host);
        var first = Uploads.Text("# First\n" + new string('a', 12_000));
        await Uploads.AcceptedAsync(client, Uploads.Of(("first.md", first)));

        await Uploads.AcceptedAsync(client, Uploads.Of("replace", ("again.md", first)));
        using var refused = await Uploads.PostAsync(client, Uploads.Of(("second.md", Uploads.Text("# Second\n" + new string('b', 12_000)))));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        var detail = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("Uploads:MaxDomainBytes", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staging_folders_of_cut_off_uploads_are_removed_at_start_with_a_log_line()
    {
        using var host = new AssistantHost();
        var cutOff = Path.Combine(Corpora(host), CorpusVersions.StagingPrefix + "0123456789abcdef");
        Directory.CreateDirectory(Path.Combine(cutOff, "documents"));
        await File.WriteAllTextAsync(Path.Combine(cutOff, "documents", "half.md"), "# Half\nwritten when the power went");

        using var client = await host.ReadyClientAsync();

        Assert.False(Directory.Exists(cutOff));
        Assert.True(host.Log.Contains(cutOff), string.Join("\n", host.Log.Lines));
    }

    [Fact]
    public async Task Stored_files_no_version_lists_are_removed_at_start_and_listed_ones_kept()
    {
        using var host = new AssistantHost();
        var corpora = Corpora(host);
        var content = new CorpusContentStore(corpora);
        var scratch = Directory.CreateDirectory(Path.Combine(corpora, "scratch")).FullName;
        var kept = Uploads.Text("# Kept\nThe Mill Lane depot takes batteries on Saturdays.");
        var keptSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(kept));
        await content.AddAsync(keptSha, kept, scratch, CancellationToken.None);
        var v1 = Path.Combine(corpora, "v1");
        content.Link(Path.Combine(v1, "documents", "kept.md"), keptSha);
        var manifest = new CorpusManifest(UploadHost.Domain, 1, DateTimeOffset.UtcNow, UploadHost.Uploader, "add", null,
            [new CorpusManifestFile("kept.md", CorpusFileKind.Document, "documents/kept.md", kept.Length, keptSha, 0, 1)]);
        await File.WriteAllBytesAsync(Path.Combine(v1, CorpusManifest.FileName), manifest.ToJson());
        // What an upload killed after storing one of its files leaves: the file in the store, no version listing it.
        var orphan = Uploads.Text("# Orphan\nstored when the power went");
        var orphanSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(orphan));
        await content.AddAsync(orphanSha, orphan, scratch, CancellationToken.None);
        Directory.Delete(scratch);
        Assert.Equal(kept.Length + orphan.Length, content.StoredBytes());

        using var client = await host.ReadyClientAsync();

        Assert.Equal(kept.Length, content.StoredBytes());
        Assert.Equal(kept, await File.ReadAllBytesAsync(Path.Combine(v1, "documents", "kept.md")));
        Assert.True(host.Log.Contains("1 files from " + content.Folder), string.Join("\n", host.Log.Lines));
    }

    [Fact]
    public async Task A_version_stored_in_the_old_layout_still_loads_and_its_files_carry_over()
    {
        using var host = new AssistantHost();
        var legacy = Uploads.Text("# Legacy\nThe Mill Lane depot takes batteries on Saturdays.");
        var v1 = Path.Combine(Corpora(host), "v1");
        Directory.CreateDirectory(Path.Combine(v1, "documents"));
        await File.WriteAllBytesAsync(Path.Combine(v1, "documents", "legacy.md"), legacy);
        var manifest = new CorpusManifest(UploadHost.Domain, 1, DateTimeOffset.UtcNow, UploadHost.Uploader, "add", null,
            [new CorpusManifestFile("legacy.md", CorpusFileKind.Document, "documents/legacy.md", legacy.Length,
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(legacy)), 0, 1)]);
        await File.WriteAllBytesAsync(Path.Combine(v1, CorpusManifest.FileName), manifest.ToJson());

        using var client = await host.ReadyClientAsync();
        client.DefaultRequestHeaders.Authorization = new("Bearer", UploadHost.TeamKey);
        Assert.Contains("uploads/legacy.md", await host.Services.GetRequiredService<IChunkCatalog>().ListDocumentsAsync(UploadHost.Domain));
        var v2 = await Uploads.AcceptedAsync(client, Uploads.Of(("new.md", Uploads.Text("# New\nA new note."))));

        Assert.Equal(2, v2.Version.Manifest.Version);
        Assert.Equal(legacy, File.ReadAllBytes(Path.Combine(v2.Version.Folder, "documents", "legacy.md")));
        Assert.Null(new FileInfo(Path.Combine(v1, "documents", "legacy.md")).LinkTarget);
        Assert.Equal(1, v2.Version.Manifest.Files.Single(f => f.Name == "legacy.md").AddedInVersion);
        Assert.Equal(2.ToString(CultureInfo.InvariantCulture), Path.GetFileName(v2.Version.Folder)[1..]);
    }
}
