using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Model.Lora;

namespace DomainAssistant.Evaluation.Tests.Registry;

public sealed class AdapterRegistryTests : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("da-registry-");

    public void Dispose() => _folder.Delete(recursive: true);

    string Data => Path.Combine(_folder.FullName, "data");

    SqliteAdapterRegistry Registry(AdapterLimits? limits = null) => new(Data, limits ?? new AdapterLimits(), TimeProvider.System);

    static AdapterRegistration For(params string[] parents) => new("tidewell-support", AdapterPackages.Base, parents, "ops");

    string Adapter(string name = "adapter", long seed = 1) => AdapterPackages.SaveAdapter(Path.Combine(_folder.FullName, name), AdapterPackages.Base, seed);

    async Task<AdapterRejectedException> Refused(byte[] zip, AdapterLimits? limits = null)
    {
        var error = await Assert.ThrowsAsync<AdapterRejectedException>(() => Registry(limits).RegisterZipAsync(new MemoryStream(zip), For(), CancellationToken.None));
        Assert.Empty(await Registry().ListAsync(CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(Data, "adapters", ".staging")) && Directory.EnumerateFileSystemEntries(Path.Combine(Data, "adapters", ".staging")).Any());
        return error;
    }

    [Fact]
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
        var reread = await new SqliteAdapterRegistry(Data, new AdapterLimits(), TimeProvider.System).FindAsync(adapter.Id, CancellationToken.None);
        Assert.NotNull(reread);
        Assert.Equal([parent.Id], reread.Parents);
        Assert.Contains("kto", reread.Lineage, StringComparison.Ordinal);
        Assert.Equal(2, (await Registry().ListAsync(CancellationToken.None)).Count);

        var (again, createdAgain) = await Registry().RegisterZipAsync(new MemoryStream(AdapterPackages.Zip(folder)), For(), CancellationToken.None);
        Assert.False(createdAgain);
        Assert.Equal(adapter.Id, again.Id);
    }

    [Fact]
    public async Task An_unknown_parent_is_refused()
    {
        var error = await Assert.ThrowsAsync<AdapterRejectedException>(() =>
            Registry().RegisterZipAsync(new MemoryStream(AdapterPackages.Zip(Adapter())), For("nobody"), CancellationToken.None));
        Assert.Contains("'nobody'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
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

    [Fact]
    public async Task A_symbolic_link_is_refused()
    {
        var error = await Refused(AdapterPackages.ZipWith(Adapter(), "README.md", "/etc/passwd"u8.ToArray(), unixMode: 0xA1FF));
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tensor_that_is_not_a_lora_factor_is_refused_by_name()
    {
        var folder = Adapter();
        AdapterPackages.AddTensor(folder, "base_model.model.model.embed_tokens.weight", [64, 32]);
        var error = await Refused(AdapterPackages.Zip(folder));
        Assert.Contains("'base_model.model.model.embed_tokens.weight' is not a LoRA factor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Factors_shaped_for_another_base_are_refused_naming_the_shapes()
    {
        var wider = AdapterPackages.Base with { HiddenSize = 48, NumAttentionHeads = 4, NumKeyValueHeads = 2 };
        var folder = AdapterPackages.SaveAdapter(Path.Combine(_folder.FullName, "wider"), wider);
        var error = await Refused(AdapterPackages.Zip(folder));
        Assert.Equal(AdapterRejection.Invalid, error.Rejection);
        Assert.Contains("has shape [4, 48]", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs [4, 32]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_factor_for_a_module_the_config_does_not_target_is_refused()
    {
        var folder = Adapter();
        AdapterPackages.AddTensor(folder, "base_model.model.model.layers.0.mlp.up_proj.lora_A.weight", [4, 32]);
        var error = await Refused(AdapterPackages.Zip(folder));
        Assert.Contains("does not name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_that_expands_past_the_limit_is_refused_as_too_large()
    {
        var folder = Adapter();
        var error = await Refused(AdapterPackages.ZipWith(folder, "README.md", new byte[200_000]), new AdapterLimits { MaxExtractedBytes = 100_000 });
        Assert.Equal(AdapterRejection.TooLarge, error.Rejection);
        Assert.Contains("100000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_a_zip_is_refused_as_such()
    {
        var error = await Refused("this is not a zip archive, just text"u8.ToArray());
        Assert.Equal(AdapterRejection.NotAZip, error.Rejection);
    }

    [Fact]
    public async Task A_package_without_weights_is_refused()
    {
        var folder = Adapter();
        File.Delete(Path.Combine(folder, PeftAdapter.WeightsFileName));
        var error = await Refused(AdapterPackages.Zip(folder));
        Assert.Contains("no adapter_model.safetensors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Release_needs_a_passing_verdict_on_the_file_as_it_is_now()
    {
        var (adapter, _) = await Registry().RegisterZipAsync(new MemoryStream(AdapterPackages.Zip(Adapter())), For(), CancellationToken.None);
        var verdicts = new GateVerdictStore(Data);
        var release = new AdapterRelease(verdicts);
        Assert.Contains("has no gate verdict", await release.WhyNotReleasableAsync(adapter, CancellationToken.None), StringComparison.Ordinal);

        var threshold = new MetricThreshold(GateMetric.DeclineRate, Min: 0.5, Max: null, MaxDrop: null);
        var passed = new MetricResult(GateMetric.DeclineRate, 10, 0.9, new Interval(0.8, 1), null, null, null, threshold, true, "0.9 >= 0.5");
        await verdicts.AddAsync(new GateVerdict("suite", "s", adapter.Sha256, null, "b", [passed], DateTimeOffset.UtcNow));
        Assert.Null(await release.WhyNotReleasableAsync(adapter, CancellationToken.None));

        // The same file with other weights: the verdict was on the old bytes.
        AdapterPackages.AddTensor(adapter.Folder, "base_model.model.extra", [1]);
        var why = await release.WhyNotReleasableAsync(adapter, CancellationToken.None);
        Assert.Contains("changed since it was registered", why, StringComparison.Ordinal);
    }
}
