using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Optimization;

/// <summary>
/// One trained tensor: the model's parameter and the float32 master copy the optimizer updates. In float32 training
/// they are the same tensor; with bfloat16 weights the master is a separate float32 copy, so small updates are not
/// rounded away (mixed precision with float32 master weights).
/// </summary>
/// <param name="Name">Hugging Face or PEFT key, used to save optimizer state by name.</param>
/// <param name="Parameter">What the forward uses (float32 or bfloat16).</param>
/// <param name="Master">Float32 weights the optimizer steps.</param>
/// <param name="Decays">Whether weight decay applies (matrices yes, norm gains no).</param>
public sealed record TrainableWeight(string Name, Parameter Parameter, Tensor Master, bool Decays)
{
    /// <summary>Whether the master is a separate copy (the parameter is not float32).</summary>
    public bool HasSeparateMaster => !ReferenceEquals(Parameter, Master);
}
