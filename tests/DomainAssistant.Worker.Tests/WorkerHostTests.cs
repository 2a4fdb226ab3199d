using System.Net;

namespace DomainAssistant.Worker.Tests;

[Collection(WorkersOnRabbitMq.Name)]
public sealed class WorkerHostTests : IDisposable
{
    readonly string _data = Directory.CreateTempSubdirectory("worker-tests-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void Refuses_an_in_memory_bus_which_would_reach_no_other_process()
    {
        using var worker = new WorkerHost(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _data });

        var error = Assert.Throws<InvalidOperationException>(() => worker.CreateClient());

        Assert.Contains("needs Bus:Transport = RabbitMq, and so does a worker host", error.Message);
    }

    [RabbitMqFact]
    public async Task Answers_health_once_its_bus_is_connected()
    {
        var settings = RabbitMq.Settings();
        settings["Storage:DataDirectory"] = _data;
        using var worker = new WorkerHost(settings);
        var client = worker.CreateClient();

        using var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HttpStatusCode health;
        do
        {
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            health = response.StatusCode;
            if (health != HttpStatusCode.OK) await Task.Delay(200);
        }
        while (health != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, health);
    }
}
