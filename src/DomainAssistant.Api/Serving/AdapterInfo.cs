namespace DomainAssistant.Api.Serving;

/// <summary>An adapter resident on the served model.</summary>
/// <param name="Name">The name requests and flag variants use.</param>
/// <param name="Folder">The PEFT folder it was loaded from.</param>
/// <param name="Checksum">SHA-256 (hex) of its adapter_model.safetensors, as the training lineage records it.</param>
public sealed record AdapterInfo(string Name, string Folder, string Checksum);
