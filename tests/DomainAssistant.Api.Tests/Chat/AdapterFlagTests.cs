using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Chat;

public sealed class AdapterFlagTests
{
    static Dictionary<string, string?> TwoVariants() => new()
    {
        ["feature_management:feature_flags:0:id"] = "AssistantAdapter",
        ["feature_management:feature_flags:0:enabled"] = "true",
        ["feature_management:feature_flags:0:variants:0:name"] = "current",
        ["feature_management:feature_flags:0:variants:0:configuration_value"] = "sft",
        ["feature_management:feature_flags:0:variants:1:name"] = "challenger",
        ["feature_management:feature_flags:0:variants:1:configuration_value"] = "candidate",
        ["feature_management:feature_flags:0:allocation:default_when_enabled"] = "current",
        ["feature_management:feature_flags:0:allocation:seed"] = "api-tests",
        ["feature_management:feature_flags:0:allocation:percentile:0:variant"] = "current",
        ["feature_management:feature_flags:0:allocation:percentile:0:from"] = "0",
        ["feature_management:feature_flags:0:allocation:percentile:0:to"] = "50",
        ["feature_management:feature_flags:0:allocation:percentile:1:variant"] = "challenger",
        ["feature_management:feature_flags:0:allocation:percentile:1:from"] = "50",
        ["feature_management:feature_flags:0:allocation:percentile:1:to"] = "100",
    };

    [Fact]
    public async Task The_flag_splits_users_between_adapters_and_each_user_keeps_their_variant()
    {
        using var host = new AssistantHost(TwoVariants());
        var client = await host.ReadyClientAsync();
        var seen = new Dictionary<string, (string? Variant, string? Adapter)>();
        for (var user = 0; user < 16; user++)
        {
            var id = $"user-{user}";
            var (_, first, _) = await client.ChatAsync("What goes in the food caddy?", userId: id);
            var (_, again, _) = await client.ChatAsync("And the green bin?", userId: id);
            var choice = (first.GetProperty("variant").GetString(), first.GetProperty("adapter").GetString());
            Assert.Equal(choice, (again.GetProperty("variant").GetString(), again.GetProperty("adapter").GetString()));
            seen[id] = choice;
        }

        Assert.Contains(seen.Values, c => c == ("current", "sft"));
        Assert.Contains(seen.Values, c => c == ("challenger", "candidate"));
        Assert.All(seen.Values, c => Assert.True(c is ("current", "sft") or ("challenger", "candidate"), $"unexpected {c}"));
    }

    [Fact]
    public async Task A_variant_naming_an_adapter_that_is_not_loaded_is_answered_by_the_base_and_reported_so()
    {
        var settings = TwoVariants();
        settings["feature_management:feature_flags:0:variants:1:configuration_value"] = "missing-adapter";
        settings["feature_management:feature_flags:0:allocation:percentile:0:to"] = "0";
        settings["feature_management:feature_flags:0:allocation:percentile:1:from"] = "0";
        using var host = new AssistantHost(settings);
        var client = await host.ReadyClientAsync();

        var (text, done, _) = await client.ChatAsync("Where is the recycling centre?", userId: "someone");

        Assert.Equal(ScriptedModel.Answer, text);
        Assert.Equal("challenger", done.GetProperty("variant").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, done.GetProperty("adapter").ValueKind);
        Assert.True(host.Log.Contains("missing-adapter"), "the misconfigured variant is logged");
    }
}
