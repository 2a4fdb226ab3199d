using DomainAssistant.Model.Lora;
using DomainAssistant.Training.Data;

namespace DomainAssistant.Alignment.Policy;

/// <summary>Names the adapters an alignment run starts from and writes in lineage.</summary>
public static class AdapterSetup
{
    /// <summary>SHA-256 of an adapter folder's weights file: the checksum the host and lineage records use.</summary>
    public static string Checksum(string adapterFolder) => DatasetFiles.FileSha256(Path.Combine(adapterFolder, PeftAdapter.WeightsFileName));
}
