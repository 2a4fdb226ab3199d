using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Tests.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Lora;

public class LoraTrainingTests
{
    [Fact]
    public void An_adamw_step_on_one_adapter_changes_only_that_adapters_lora_weights()
    {
        using var model = RandomLlama.Create(RandomLlama.Config(bias: true));
        var config = new LoraConfig { R = 4, LoraAlpha = 8, LoraDropout = 0.1, TargetModules = LoraTargets.AllLinear };
        model.AddAdapter("train", config, seed: 30);
        model.AddAdapter("bystander", config, seed: 31);
        var baseBefore = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var trainable = model.AdapterParameters("train").ToList();
        var adapterBefore = trainable.ToDictionary(p => p.Key, p => p.Parameter.detach().clone());
        var bystanderBefore = model.AdapterParameters("bystander").ToDictionary(p => p.Key, p => p.Parameter.detach().clone());

        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        Assert.All(trainable, p => Assert.True(p.Parameter.requires_grad));

        model.train();
        using var optimizer = optim.AdamW(trainable.Select(p => p.Parameter), lr: 1e-2);
        using var ids = RandomLlama.Ids(2, 9, 40, seed: 32);
        for (var step = 0; step < 2; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.Forward(ids.narrow(1, 0, 8), ["train", "train"]);
            var loss = nn.functional.cross_entropy(logits.reshape(-1, 40), ids.narrow(1, 1, 8).reshape(-1));
            loss.backward();
            optimizer.step();
        }

        foreach (var (key, before) in baseBefore) Assert.True(before.Equals(model.state_dict()[key]), $"base weight {key} changed");
        foreach (var (key, parameter) in model.AdapterParameters("bystander")) Assert.True(bystanderBefore[key].Equals(parameter), $"{key} of the other adapter changed");
        var changed = model.AdapterParameters("train").Count(p => !adapterBefore[p.Key].Equals(p.Parameter));
        Assert.Equal(trainable.Count, changed); // every A and B moved (B first, then A through the non-zero B)
        foreach (var t in baseBefore.Values.Concat(adapterBefore.Values).Concat(bystanderBefore.Values)) t.Dispose();
    }

    [Fact]
    public void Full_fine_tuning_can_unfreeze_the_base()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        model.AddAdapter("a", new LoraConfig(), seed: 33);
        model.SetBaseTrainable(true);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }
}
