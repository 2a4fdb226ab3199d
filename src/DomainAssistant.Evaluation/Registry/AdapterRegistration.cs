using DomainAssistant.Model;

namespace DomainAssistant.Evaluation.Registry;

/// <summary>What a registration names beside the package: where the adapter belongs and who sends it.</summary>
/// <param name="Domain">The domain; its base model's shapes are the ones the tensors must have.</param>
/// <param name="BaseConfig">The domain's base model config.</param>
/// <param name="Parents">Registry ids of the adapters it was trained from (each must be registered).</param>
/// <param name="RegisteredBy">Who registers it (the operator key's name, or the job).</param>
public sealed record AdapterRegistration(string Domain, LlamaConfig BaseConfig, IReadOnlyList<string> Parents, string RegisteredBy);
