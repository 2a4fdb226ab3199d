using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Evaluation.Registry;

namespace DomainAssistant.Evaluation.Tests.Registry;

/// <summary>
/// Release checks the adapter's file as it is now against the verdicts: the same on every engine, so on SQLite only
/// (the engines' verdict stores are held to one contract, <see cref="Gates.GateVerdictStoreContract"/>).
/// </summary>
public sealed class AdapterReleaseTests : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("da-release-");

    public void Dispose() => _folder.Delete(recursive: true);

    string Data => Path.Combine(_folder.FullName, "data");

    AdapterRegistry Registry() => new(Data, new SqliteAdapterCatalog(Data), new AdapterLimits(), TimeProvider.System);

    static AdapterRegistration For() => new("tidewell-support", AdapterPackages.Base, [], "ops");

    string Adapter() => AdapterPackages.SaveAdapter(Path.Combine(_folder.FullName, "adapter"), AdapterPackages.Base, 1);

    [Fact]
    public async Task Release_needs_a_passing_verdict_on_the_file_as_it_is_now()
    {
        var (adapter, _) = await Registry().RegisterZipAsync(new MemoryStream(AdapterPackages.Zip(Adapter())), For(), CancellationToken.None);
        var verdicts = new SqliteGateVerdictStore(Data);
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
