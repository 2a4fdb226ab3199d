using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Model.Lora;

namespace DomainAssistant.Evaluation.Tests.Registry;

/// <summary>A trained adapter's folder packed for the registry: what a package holds goes in, anything else a trainer leaves stays out.</summary>
public sealed class AdapterArchivePackTests : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("da-pack-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Packing_keeps_the_peft_pair_and_lineage_and_leaves_other_files_out_and_the_registry_unpacks_it()
    {
        var adapter = AdapterPackages.SaveAdapter(Path.Combine(_folder.FullName, "adapter"), AdapterPackages.Base);
        File.WriteAllText(Path.Combine(adapter, AdapterArchive.LineageFileName), "{}");
        File.WriteAllText(Path.Combine(adapter, "trainer_state.json"), "{}");
        using var zip = new MemoryStream();

        AdapterArchive.Pack(adapter, zip);
        zip.Position = 0;
        var unpacked = Path.Combine(_folder.FullName, "unpacked");
        AdapterArchive.Extract(zip, unpacked, new AdapterLimits());

        Assert.Equal([PeftAdapter.ConfigFileName, PeftAdapter.WeightsFileName, AdapterArchive.LineageFileName],
            Directory.EnumerateFiles(unpacked).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(PeftAdapter.WeightsSha256(adapter), PeftAdapter.WeightsSha256(unpacked));
    }

    [Fact]
    public void A_folder_without_weights_is_not_an_adapter_to_pack()
    {
        var adapter = AdapterPackages.SaveAdapter(Path.Combine(_folder.FullName, "adapter"), AdapterPackages.Base);
        File.Delete(Path.Combine(adapter, PeftAdapter.WeightsFileName));

        var error = Assert.Throws<FileNotFoundException>(() => AdapterArchive.Pack(adapter, new MemoryStream()));
        Assert.Contains("has no adapter_model.safetensors", error.Message, StringComparison.Ordinal);
    }
}
