namespace DomainAssistant.Contracts;

/// <summary>A bootstrap (<see cref="BootstrapDomainModel"/>) finished: what to serve.</summary>
/// <param name="JobId">The run.</param>
/// <param name="Domain">The domain.</param>
/// <param name="ServedBase">The base to serve: the reader, or the pretrained base when the reader stage was skipped.</param>
/// <param name="AdapterName">The grounded adapter's name ("sft").</param>
/// <param name="AdapterFolder">The grounded adapter's PEFT folder.</param>
public sealed record DomainModelBootstrapped(Guid JobId, string Domain, string ServedBase, string AdapterName, string AdapterFolder);
