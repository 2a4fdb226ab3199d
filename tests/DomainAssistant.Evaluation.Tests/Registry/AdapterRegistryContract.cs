using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Model.Lora;
using DomainAssistant.Storage.Tests;

namespace DomainAssistant.Evaluation.Tests.Registry;

/// <summary>
/// What the registry does over every <see cref="IAdapterCatalog"/>, run against each implementation (SQLite for the
/// embedded mode, PostgreSQL for scale-out) by the classes below; the adapter files are in a temp folder either way.
/// The store under test is a factory: each call opens the same catalog anew, as a restart or another process would.
/// </summary>
public abstract class AdapterRegistryContract : StoreContract<Func<IAdapterCatalog>>, IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("da-registry-");

    public void Dispose()
    {
        _folder.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    string Data => Path.Combine(_folder.FullName, "data");

    AdapterRegistry Registry(AdapterLimits? limits = null) => new(Data, Store(), limits ?? new AdapterLimits(), TimeProvider.System);

    static AdapterRegistration For(params string[] parents) => new("tidewell-support", AdapterPackages.Base, parents, "ops");

    string Adapter(string name = "adapter", long seed = 1) => AdapterPackages.SaveAdapter(Path.Combine(_folder.FullName, name), AdapterPackages.Base, seed);

    async Task<AdapterRejectedException> Refused(byte[] zip, AdapterLimits? limits = null)
    {
        var error = await Assert.ThrowsAsync<AdapterRejectedException>(() => Registry(limits).RegisterZipAsync(new MemoryStream(zip), For(), CancellationToken.None));
        Assert.Empty(await Registry().ListAsync(CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(Data, "adapters", ".staging")) && Directory.EnumerateFileSystemEntries(Path.Combine(Data, "adapters", ".staging")).Any());
        return error;
    }

    [SkippableFact]
    public async Task A_valid_package_is_kept_with_its_checksum_lineage_and_parents_and_found_again_after_a_reopen()
    {
        var parentFolder = Adapter("parent", seed: 7);
        var (parent, _) = await Registry().RegisterZipAsync(new MemoryStream(AdapterPackages.Zip(parentFolder)), For(), CancellationToken.None);
        var folder = Adapter();
        await File.WriteAllTextAsync(Path.Combine(folder, "lineage.json"), """{"kind": "kto"}""");

        var (adapter, created) = await Registry().RegisterZipAsync(new MemoryStream(AdapterPackages.Zip(folder, "my-adapter/")), For(parent.Id), CancellationToken.None);

        Assert.True(created);
        Assert.Equal(PeftAdapter.WeightsSha256(folder), adapter.Sha256);
        Assert.Equal(PeftAdapter.WeightsSha256(adapter.Folder), adapter.Sha256);
        Assert.StartsWith("tidewell-support-", adapter.Id, StringComparison.Ordinal);
        var reread = await Registry().FindAsync(adapter.Id, CancellationToken.None);
        Assert.NotNull(reread);
        Assert.Equal([parent.Id], reread.Parents);
        Assert.Contains("kto", reread.Lineage, StringComparison.Ordinal);
        Assert.Equal(2, (await Registry().ListAsync(CancellationToken.None)).Count);

        var (again, createdAgain) = await Registry().RegisterZipAsync(new MemoryStream(AdapterPackages.Zip(folder)), For(), CancellationToken.None);
        Assert.False(createdAgain);
        Assert.Equal(adapter.Id, again.Id);
    }

    [SkippableFact]
    public async Task An_unknown_parent_is_refused()
    {
        var error = await Assert.ThrowsAsync<AdapterRejectedException>(() =>
            Registry().RegisterZipAsync(new MemoryStream(AdapterPackages.Zip(Adapter())), For("nobody"), CancellationToken.None));
        Assert.Contains("'nobody'", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("../adapter_config.json", "path traversal")]
    [InlineData("sub/../../evil.txt", "path traversal")]
    [InlineData("/etc/cron.d/evil", "absolute path")]
    [InlineData("C:/evil.txt", "absolute path")]
    [InlineData("evil.sh", "not part of a PEFT adapter")]
    [InlineData("adapter_model.bin", "pickle")]
    public async Task Entries_that_could_escape_the_folder_or_are_not_an_adapter_are_refused(string name, string reason)
    {
        var error = await Refused(AdapterPackages.ZipWith(Adapter(), name, "x"u8.ToArray()));
        Assert.Equal(AdapterRejection.Invalid, error.Rejection);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder.FullName, "evil.txt")));
    }

    [SkippableFact]
    public async Task A_symbolic_link_is_refused()
    {
        var error = await Refused(AdapterPackages.ZipWith(Adapter(), "README.md", "/etc/passwd"u8.ToArray(), unixMode: 0xA1FF));
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_tensor_that_is_not_a_lora_factor_is_refused_by_name()
    {
        var folder = Adapter();
        AdapterPackages.AddTensor(folder, "base_model.model.model.embed_tokens.weight", [64, 32]);
        var error = await Refused(AdapterPackages.Zip(folder));
        Assert.Contains("'base_model.model.model.embed_tokens.weight' is not a LoRA factor", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Factors_shaped_for_another_base_are_refused_naming_the_shapes()
    {
        var wider = AdapterPackages.Base with { HiddenSize = 48, NumAttentionHeads = 4, NumKeyValueHeads = 2 };
        var folder = AdapterPackages.SaveAdapter(Path.Combine(_folder.FullName, "wider"), wider);
        var error = await Refused(AdapterPackages.Zip(folder));
        Assert.Equal(AdapterRejection.Invalid, error.Rejection);
        Assert.Contains("has shape [4, 48]", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs [4, 32]", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_factor_for_a_module_the_config_does_not_target_is_refused()
    {
        var folder = Adapter();
        AdapterPackages.AddTensor(folder, "base_model.model.model.layers.0.mlp.up_proj.lora_A.weight", [4, 32]);
        var error = await Refused(AdapterPackages.Zip(folder));
        Assert.Contains("does not name", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_package_that_expands_past_the_limit_is_refused_as_too_large()
    {
        var folder = Adapter();
        var error = await Refused(AdapterPackages.ZipWith(folder, "README.md", new byte[200_000]), new AdapterLimits { MaxExtractedBytes = 100_000 });
        Assert.Equal(AdapterRejection.TooLarge, error.Rejection);
        Assert.Contains("100000 bytes", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_body_that_is_not_a_zip_is_refused_as_such()
    {
        var error = await Refused("this is not a zip archive, just text"u8.ToArray());
        Assert.Equal(AdapterRejection.NotAZip, error.Rejection);
    }

    [SkippableFact]
    public async Task A_package_without_weights_is_refused()
    {
        var folder = Adapter();
        File.Delete(Path.Combine(folder, PeftAdapter.WeightsFileName));
        var error = await Refused(AdapterPackages.Zip(folder));
        Assert.Contains("no adapter_model.safetensors", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Adapters_are_listed_newest_first_and_their_times_read_back_as_returned()
    {
        var (older, _) = await Registry().RegisterZipAsync(new MemoryStream(AdapterPackages.Zip(Adapter("a", seed: 1))), For(), CancellationToken.None);
        await Task.Delay(5);
        var (newer, _) = await Registry().RegisterZipAsync(new MemoryStream(AdapterPackages.Zip(Adapter("b", seed: 2))), For(older.Id), CancellationToken.None);

        var listed = await Registry().ListAsync(CancellationToken.None);

        Assert.Equal([newer.Id, older.Id], listed.Select(a => a.Id));
        Assert.Equal(newer.CreatedAt, listed[0].CreatedAt);
        Assert.Equal(("ops", "tidewell-support", newer.Folder, newer.Sha256), (listed[0].RegisteredBy, listed[0].Domain, listed[0].Folder, listed[0].Sha256));
        Assert.Null(await Registry().FindAsync("tidewell-support-000000000000", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Processes_recording_the_same_adapter_at_once_keep_one_record()
    {
        var adapter = new RegisteredAdapter("tidewell-support-abcdefabcdef", "tidewell-support", new string('a', 64), "/data/adapters/x", ["p"], null,
            new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero), "ops");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            Store().AddAsync(adapter with { RegisteredBy = $"process-{i}" }, CancellationToken.None))));

        var added = Assert.Single(outcomes, o => o.Added);
        Assert.All(outcomes, o => Assert.Equal(added.Adapter.RegisteredBy, o.Adapter.RegisteredBy));
        // The same weights in the same domain under another id are the same adapter, too.
        var (again, addedAgain) = await Store().AddAsync(adapter with { Id = "tidewell-support-other" }, CancellationToken.None);
        Assert.False(addedAgain);
        Assert.Equal(adapter.Id, again.Id);
        Assert.Single(await Store().ListAsync(CancellationToken.None));
    }
}

public sealed class SqliteAdapterRegistryTests : AdapterRegistryContract
{
    protected override Task<StoreLease<Func<IAdapterCatalog>>> OpenAsync() =>
        StoreBackends.Sqlite<Func<IAdapterCatalog>>(folder => () => new SqliteAdapterCatalog(folder));
}

public sealed class PostgresAdapterRegistryTests : AdapterRegistryContract
{
    protected override Task<StoreLease<Func<IAdapterCatalog>>> OpenAsync() =>
        StoreBackends.Postgres<Func<IAdapterCatalog>>(database => () => new PostgresAdapterCatalog(database));
}
