using MassTransit;

namespace DomainAssistant.Api.Jobs;

/// <summary>
/// Each API process has its own temporary queue for job reports: every process must see the reports (only the one
/// that started a job waits for them), and a queue shared by several would hand each report to one of them.
/// </summary>
public sealed class JobReportsConsumerDefinition : ConsumerDefinition<JobReportsConsumer>
{
    public JobReportsConsumerDefinition()
    {
        Endpoint(endpoint =>
        {
            endpoint.Name = "api-job-reports";
            endpoint.InstanceId = $"-{Environment.MachineName}-{Environment.ProcessId}";
            endpoint.Temporary = true;
        });
    }
}
