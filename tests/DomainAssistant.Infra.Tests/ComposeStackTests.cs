using System.Text.RegularExpressions;

namespace DomainAssistant.Infra.Tests;

/// <summary>
/// docker-compose.yml cannot run here (no Docker engine), so its structure is checked instead:
/// the stack a scale-out deployment relies on must at least be self-consistent.
/// </summary>
public class ComposeStackTests
{
    static readonly ComposeFile Compose = ComposeFile.Load(RepositoryRoot.File("docker-compose.yml"));
    static readonly string[] Hosts = ["api", "api-2", "worker"];

    [Fact]
    public void Describes_the_scale_out_stack()
    {
        Assert.Equal(["api", "api-2", "postgres", "qdrant", "rabbitmq", "worker"], Compose.Services.Keys.Order());
    }

    [Fact]
    public void Every_service_has_a_healthcheck_and_depends_only_on_healthy_services_that_exist()
    {
        foreach (var service in Compose.Services.Keys)
        {
            Assert.False(string.IsNullOrWhiteSpace(Compose.HealthcheckCommand(service)), $"{service} has no healthcheck");
            foreach (var dependency in Compose.DependsOn(service))
                Assert.True(Compose.Services.ContainsKey(dependency), $"{service} depends on unknown service {dependency}");
        }
    }

    [Fact]
    public void Published_host_ports_are_unique()
    {
        var hostPorts = Compose.Services.Keys.SelectMany(s => Compose.Ports(s).Select(p => p.Host)).ToList();
        Assert.Equal(hostPorts.Count, hostPorts.Distinct().Count());
    }

    [Theory]
    [InlineData("api")]
    [InlineData("api-2")]
    [InlineData("worker")]
    public void Hosts_listen_health_and_publish_on_the_same_port(string service)
    {
        var env = Compose.Environment(service);
        int listenPort = int.Parse(Regex.Match(env["ASPNETCORE_URLS"], @":(\d+)$").Groups[1].Value);
        Assert.Contains(Compose.Ports(service), p => p.Container == listenPort);
        Assert.Contains($"127.0.0.1:{listenPort}/health", Compose.HealthcheckCommand(service));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("api-2")]
    [InlineData("worker")]
    public void Hosts_reach_rabbitmq_and_qdrant_at_their_service_names_ports_and_credentials(string service)
    {
        var env = Compose.Environment(service);
        var rabbit = Compose.Environment("rabbitmq");
        Assert.True(Compose.Services.ContainsKey(env["Bus__RabbitMq__Host"]));
        Assert.Contains(Compose.Ports(env["Bus__RabbitMq__Host"]), p => p.Container == int.Parse(env["Bus__RabbitMq__Port"]));
        Assert.Equal(rabbit["RABBITMQ_DEFAULT_USER"], env["Bus__RabbitMq__Username"]);
        Assert.Equal(rabbit["RABBITMQ_DEFAULT_PASS"], env["Bus__RabbitMq__Password"]);

        var qdrant = new Uri(env["Retrieval__Qdrant__Url"]);
        Assert.True(Compose.Services.ContainsKey(qdrant.Host));
        Assert.Contains(Compose.Ports(qdrant.Host), p => p.Container == qdrant.Port);
        Assert.Contains(env["Bus__RabbitMq__Host"], Compose.DependsOn(service));
        Assert.Contains(qdrant.Host, Compose.DependsOn(service));
    }

    /// <summary>
    /// An alignment run acknowledges its start message only when it ends; past RabbitMQ's consumer_timeout (30 minutes
    /// by default) the broker closes the worker's channel and delivers the message again mid-run. Both brokers the
    /// project starts, the compose stack's and infra/services' for tests and scaleout.sh, allow hours.
    /// </summary>
    [Fact]
    public void Both_brokers_let_an_alignment_run_hold_its_start_message_for_hours()
    {
        static TimeSpan ConsumerTimeout(string erlangArguments, string where)
        {
            var setting = Regex.Match(erlangArguments, @"-rabbit consumer_timeout (\d+)");
            Assert.True(setting.Success, $"{where} leaves RabbitMQ's consumer_timeout at its 30-minute default");
            return TimeSpan.FromMilliseconds(long.Parse(setting.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        var compose = ConsumerTimeout(Compose.Environment("rabbitmq")["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"], "docker-compose.yml");
        var script = Regex.Match(File.ReadAllText(RepositoryRoot.File("infra", "services", "rabbitmq.sh")), @"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=""([^""]*)""");
        var local = ConsumerTimeout(script.Groups[1].Value, "infra/services/rabbitmq.sh");
        Assert.True(compose >= TimeSpan.FromHours(2), $"docker-compose.yml: {compose}");
        Assert.Equal(compose, local);
    }

    [Fact]
    public void Every_application_setting_in_the_stack_is_a_documented_configuration_key()
    {
        var documented = File.ReadAllText(RepositoryRoot.File("docs", "configuration.md"));
        var appKeys = Hosts
            .SelectMany(s => Compose.Environment(s).Keys)
            .Where(k => k.Contains("__", StringComparison.Ordinal))
            .Distinct();
        foreach (var key in appKeys)
            Assert.True(documented.Contains($"`{key.Replace("__", ":", StringComparison.Ordinal)}`", StringComparison.Ordinal),
                $"docker-compose.yml sets {key}, which docs/configuration.md does not document");
    }

    [Theory]
    [InlineData("api")]
    [InlineData("api-2")]
    [InlineData("worker")]
    public void Hosts_share_one_postgresql_database_at_its_service_name_port_and_credentials(string service)
    {
        var env = Compose.Environment(service);
        Assert.Equal("PostgreSql", env["Storage__Database"]);
        var connection = env["Storage__PostgreSqlConnection"].Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        var postgres = Compose.Environment(connection["Host"]);
        Assert.Contains(Compose.Ports(connection["Host"]), p => p.Container == int.Parse(connection["Port"]));
        Assert.Equal((postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"], postgres["POSTGRES_DB"]),
            (connection["Username"], connection["Password"], connection["Database"]));
        Assert.Contains(connection["Host"], Compose.DependsOn(service));
        // Every host of the stack names the same database, so they share one set of records.
        Assert.Single(Hosts.Select(h => Compose.Environment(h)["Storage__PostgreSqlConnection"]).Distinct());
    }

    [Fact]
    public void Build_contexts_name_dockerfiles_that_exist()
    {
        foreach (var service in Hosts)
        {
            var dockerfile = Compose.BuildDockerfile(service);
            Assert.NotNull(dockerfile);
            Assert.True(File.Exists(RepositoryRoot.File(dockerfile)), $"{service}: {dockerfile} does not exist");
        }
    }

    [Theory]
    [InlineData("api", "src/DomainAssistant.Api")]
    [InlineData("api-2", "src/DomainAssistant.Api")]
    [InlineData("worker", "src/DomainAssistant.Worker")]
    public void Each_host_image_is_published_from_its_web_host_project(string service, string project)
    {
        Assert.Equal(project, Compose.BuildProject(service));
        var csproj = RepositoryRoot.File(project, Path.GetFileName(project) + ".csproj");
        Assert.True(File.Exists(csproj), $"{service}: {csproj} does not exist");
        // A web host: it answers the /health its healthcheck calls.
        Assert.Contains("Sdk=\"Microsoft.NET.Sdk.Web\"", File.ReadAllText(csproj), StringComparison.Ordinal);
    }
}
