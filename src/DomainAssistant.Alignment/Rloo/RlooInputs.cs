using DomainAssistant.Alignment.Policy;
using DomainAssistant.Alignment.RewardModeling;

namespace DomainAssistant.Alignment.Rloo;

/// <summary>
/// What <see cref="RlooTrainer"/> trains from, loaded from paths by its callers (`da align rl`, the alignment job,
/// bench) through this one loader. Disposing frees the model and the reward model's weights.
/// </summary>
/// <param name="Start">The base and the adapter to improve.</param>
/// <param name="RewardModel">The reward model, read (the trainer attaches it to the base).</param>
/// <param name="Prompts">The prompts to sample answers for.</param>
public sealed record RlooInputs(StartingModel Start, StoredRewardModel RewardModel, PromptSet Prompts) : IDisposable
{
    /// <summary>Reads the prompts and the reward model (checked against its recorded checksum) before loading the model.</summary>
    /// <param name="modelPath">Base model folder (the one the reward model was trained over).</param>
    /// <param name="adapterPath">Adapter to improve, also the frozen reference; null: a fresh LoRA, the base the reference.</param>
    /// <param name="rewardModelPath">Folder written by `da align rm`.</param>
    /// <param name="promptsPath">Prompts file (<see cref="PromptFile"/>).</param>
    public static RlooInputs Load(string modelPath, string? adapterPath, string rewardModelPath, string promptsPath)
    {
        var prompts = PromptSet.Read(promptsPath);
        var rewardModel = StoredRewardModel.Read(rewardModelPath);
        try
        {
            return new RlooInputs(StartingModel.Load(modelPath, adapterPath), rewardModel, prompts);
        }
        catch
        {
            rewardModel.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        RewardModel.Dispose();
        Start.Dispose();
    }
}
