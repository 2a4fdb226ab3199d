using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DomainAssistant.Cli.Tests;

public sealed class KeysCommandTests
{
    [Fact]
    public async Task A_new_key_comes_with_the_settings_that_hold_only_its_sha256()
    {
        var run = await CliRun.InvokeAsync("keys", "new", "--name", "fernbrook-team", "--role", "domain-team", "--index", "3", "--json");

        Assert.Equal(0, run.ExitCode);
        var made = JsonDocument.Parse(run.Output).RootElement;
        var key = made.GetProperty("key").GetString()!;
        Assert.StartsWith("da_", key, StringComparison.Ordinal);
        Assert.True(key.Length >= 40);
        var expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        Assert.Equal(expected, made.GetProperty("keyHash").GetString());
        Assert.Equal(("fernbrook-team", "domain-team"), (made.GetProperty("name").GetString(), made.GetProperty("role").GetString()));

        var text = await CliRun.InvokeAsync("keys", "new", "--name", "ops", "--role", "operator", "--index", "3");
        Assert.Contains("Auth:Keys:3:KeyHash=sha256:", text.Output, StringComparison.Ordinal);
        Assert.Contains("Auth:Keys:3:Role=operator", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_key_is_new()
    {
        var first = JsonDocument.Parse((await CliRun.InvokeAsync("keys", "new", "--name", "a", "--json")).Output).RootElement;
        var second = JsonDocument.Parse((await CliRun.InvokeAsync("keys", "new", "--name", "a", "--json")).Output).RootElement;

        Assert.NotEqual(first.GetProperty("key").GetString(), second.GetProperty("key").GetString());
    }

    [Fact]
    public async Task An_unknown_role_is_refused_naming_the_ones_there_are()
    {
        var run = await CliRun.InvokeAsync("keys", "new", "--name", "a", "--role", "admin");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("operator", run.Error, StringComparison.Ordinal);
    }
}
