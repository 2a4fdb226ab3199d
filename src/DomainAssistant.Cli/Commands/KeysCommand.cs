using System.CommandLine;
using System.Text.Json;
using DomainAssistant.ServiceDefaults;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `da keys new --name NAME [--role ROLE] [--index I] [--json]`: a fresh API key, shown once, and the settings that give
/// it to the API with only its digest in configuration (docs/operations.md, "API keys"). Rotating a key is running
/// this again for the same name and giving the old entry an ExpiresAt.
/// </summary>
public static class KeysCommand
{
    static readonly string[] Roles = ["user", "domain-team", "operator"];

    public static Command Create() => new("keys", "API keys for the assistant's API.") { New() };

    static Command New()
    {
        var name = new Option<string>("--name") { Description = "Who holds the key (a team, a service); it becomes the caller's user id.", Required = true };
        var role = new Option<string>("--role") { Description = "user (chat, feedback), domain-team (also uploads) or operator (also admin).", DefaultValueFactory = _ => "user" };
        role.AcceptOnlyFromAmong(Roles);
        var index = new Option<int>("--index") { Description = "The entry's position in Auth:Keys for the printed settings.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print {\"name\", \"role\", \"key\", \"keyHash\"} as one JSON object." };
        var command = new Command("new", "Make a random API key; print it once with the settings that hold only its digest.") { name, role, index, json };
        command.SetAction(CommandErrors.Guard(async (parse, _) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var holder = parse.GetRequiredValue(name).Trim();
            if (holder.Length == 0) throw new ArgumentException("--name must not be empty.");
            var key = ApiKeyDigest.NewKey();
            var hash = ApiKeyDigest.Of(key);
            var (granted, i) = (parse.GetRequiredValue(role), parse.GetValue(index));
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new { name = holder, role = granted, key, keyHash = hash }));
                return 0;
            }
            await output.WriteLineAsync($"key (give it to {holder}; it is not stored anywhere): {key}");
            await output.WriteLineAsync("settings for the API (appsettings.json, environment or command line):");
            await output.WriteLineAsync($"  Auth:Keys:{i}:Name={holder}");
            await output.WriteLineAsync($"  Auth:Keys:{i}:Role={granted}");
            await output.WriteLineAsync($"  Auth:Keys:{i}:KeyHash={hash}");
            return 0;
        }));
        return command;
    }
}
