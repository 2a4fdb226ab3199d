using YamlDotNet.RepresentationModel;

namespace DomainAssistant.Infra.Tests;

/// <summary>docker-compose.yml parsed into the few things the tests check: services, env, ports, health.</summary>
public sealed class ComposeFile
{
    public IReadOnlyDictionary<string, YamlMappingNode> Services { get; }

    ComposeFile(IReadOnlyDictionary<string, YamlMappingNode> services) => Services = services;

    public static ComposeFile Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var services = ((YamlMappingNode)root["services"]).Children
            .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => (YamlMappingNode)kv.Value);
        return new ComposeFile(services);
    }

    public IReadOnlyDictionary<string, string> Environment(string service) =>
        Services[service].Children.TryGetValue(new YamlScalarNode("environment"), out var env)
            ? ((YamlMappingNode)env).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!)
            : new Dictionary<string, string>();

    /// <summary>Published ports as (host, container) pairs from "host:container" strings.</summary>
    public IReadOnlyList<(int Host, int Container)> Ports(string service) =>
        Services[service].Children.TryGetValue(new YamlScalarNode("ports"), out var ports)
            ? ((YamlSequenceNode)ports).Children.Select(p => ((YamlScalarNode)p).Value!.Split(':'))
                .Select(parts => (int.Parse(parts[0]), int.Parse(parts[1]))).ToList()
            : [];

    public IReadOnlyList<string> DependsOn(string service) =>
        Services[service].Children.TryGetValue(new YamlScalarNode("depends_on"), out var deps)
            ? ((YamlMappingNode)deps).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList()
            : [];

    public string? BuildDockerfile(string service) =>
        Services[service].Children.TryGetValue(new YamlScalarNode("build"), out var build)
            ? ((YamlScalarNode)((YamlMappingNode)build)["dockerfile"]).Value
            : null;

    /// <summary>The <c>PROJECT</c> build argument: the host project the image is published from.</summary>
    public string? BuildProject(string service) =>
        Services[service].Children.TryGetValue(new YamlScalarNode("build"), out var build)
        && ((YamlMappingNode)build).Children.TryGetValue(new YamlScalarNode("args"), out var args)
        && ((YamlMappingNode)args).Children.TryGetValue(new YamlScalarNode("PROJECT"), out var project)
            ? ((YamlScalarNode)project).Value
            : null;

    public string? HealthcheckCommand(string service) =>
        Services[service].Children.TryGetValue(new YamlScalarNode("healthcheck"), out var hc)
            ? string.Join(' ', ((YamlSequenceNode)((YamlMappingNode)hc)["test"]).Children.Select(c => ((YamlScalarNode)c).Value))
            : null;
}
