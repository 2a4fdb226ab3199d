namespace DomainAssistant.ServiceDefaults.Bus;

/// <summary>Where RabbitMQ listens and who we are to it (<c>Bus:RabbitMq</c>).</summary>
public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 5672;

    public string Username { get; set; } = "guest";

    public string Password { get; set; } = "guest";

    public string VirtualHost { get; set; } = "/";

    internal void Check(List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(Host)) problems.Add("Bus:RabbitMq:Host must name the RabbitMQ host");
        if (Port is < 1 or > 65535) problems.Add($"Bus:RabbitMq:Port must be between 1 and 65535 (got {Port})");
        if (string.IsNullOrEmpty(Username)) problems.Add("Bus:RabbitMq:Username must not be empty");
        if (string.IsNullOrEmpty(Password)) problems.Add("Bus:RabbitMq:Password must not be empty");
        if (string.IsNullOrEmpty(VirtualHost)) problems.Add("Bus:RabbitMq:VirtualHost must not be empty (\"/\" is the default one)");
    }
}
