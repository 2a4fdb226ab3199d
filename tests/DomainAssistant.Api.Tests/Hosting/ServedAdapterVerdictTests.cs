using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Model.Lora;

namespace DomainAssistant.Api.Tests.Hosting;

/// <summary>Adapters an operator configures under Model:Adapters are looked up in the gate verdicts by their checksum.</summary>
public sealed class ServedAdapterVerdictTests
{
    [Fact]
    public async Task An_ungated_configured_adapter_is_served_with_a_warning_naming_it()
    {
        await using var host = new AssistantHost();
        using var client = await host.ReadyClientAsync();

        Assert.Contains(host.Log.Lines, l => l.Contains("Adapter candidate", StringComparison.Ordinal) && l.Contains("without a passing gate verdict", StringComparison.Ordinal)
            && l.Contains("has no gate verdict", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_verdicts_required_an_ungated_adapter_fails_the_model_load_and_a_passing_one_is_served()
    {
        var settings = new Dictionary<string, string?> { ["Model:RequireGateVerdict"] = "true" };
        await using (var refused = new AssistantHost(settings))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => refused.ReadyClientAsync());
            Assert.Contains("Model:Adapters:", error.Message, StringComparison.Ordinal);
            Assert.Contains("has no gate verdict", error.Message, StringComparison.Ordinal);
        }

        await using var host = new AssistantHost(settings);
        var verdicts = new SqliteGateVerdictStore(host.DataDirectory);
        foreach (var adapter in ScriptedModel.Instance.Adapters.Values)
            await verdicts.AddAsync(GateVerdicts.Passing(PeftAdapter.WeightsSha256(adapter)));
        using var client = await host.ReadyClientAsync();
        Assert.DoesNotContain(host.Log.Lines, l => l.Contains("without a passing gate verdict", StringComparison.Ordinal));
    }
}
