namespace DomainAssistant.Training.Sft;

/// <summary>One epoch (or part of one, when evaluated mid-epoch or at a time limit) of fine-tuning.</summary>
/// <param name="Epoch">1-based; fractional when evaluated within an epoch.</param>
/// <param name="Step">Optimizer steps so far.</param>
/// <param name="TrainLoss">Mean training loss of the steps since the previous evaluation.</param>
/// <param name="EvalLoss">Held-out loss after those steps.</param>
/// <param name="Tokens">Training tokens so far.</param>
/// <param name="Seconds">Wall seconds since training started.</param>
public sealed record EpochMetrics(double Epoch, long Step, double TrainLoss, double EvalLoss, long Tokens, double Seconds);
