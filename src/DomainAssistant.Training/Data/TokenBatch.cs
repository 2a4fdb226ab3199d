using static TorchSharp.torch;

namespace DomainAssistant.Training.Data;

/// <summary>
/// A batch for next-token training: <see cref="Rows"/> rows of <see cref="Length"/> input ids and, per position, the
/// id the model should predict there (or <see cref="IgnoreIndex"/> where nothing is trained: prompts, padding).
/// </summary>
public sealed class TokenBatch
{
    /// <summary>Target value that cross-entropy skips (PyTorch's and Hugging Face's convention).</summary>
    public const long IgnoreIndex = -100;

    public TokenBatch(long[] inputs, long[] targets, int rows, int length)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (rows <= 0 || length <= 0 || inputs.Length != (long)rows * length || targets.Length != inputs.Length)
            throw new ArgumentException($"a batch of {rows} x {length} needs {rows * length} inputs and targets, got {inputs.Length} and {targets.Length}.");
        Inputs = inputs;
        Targets = targets;
        Rows = rows;
        Length = length;
        PredictedTokens = targets.LongCount(t => t != IgnoreIndex);
    }

    /// <summary>Row-major input ids [Rows * Length].</summary>
    public long[] Inputs { get; }

    /// <summary>Row-major targets [Rows * Length].</summary>
    public long[] Targets { get; }

    public int Rows { get; }
    public int Length { get; }

    /// <summary>Positions with a target: the tokens the loss averages over.</summary>
    public long PredictedTokens { get; }

    /// <summary>Inputs and targets as [Rows, Length] int64 tensors the caller disposes.</summary>
    public (Tensor Inputs, Tensor Targets) ToTensors() =>
        (tensor(Inputs, [Rows, Length]), tensor(Targets, [Rows, Length]));
}
