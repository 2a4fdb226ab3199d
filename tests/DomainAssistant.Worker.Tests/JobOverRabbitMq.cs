using System.Collections.Concurrent;
using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Worker.Tests;

/// <summary>
/// Sends a job as the API does, from a bus of the test's own (another process), and collects its reports: the notes,
/// then the outcome (<see cref="DomainModelBootstrapped"/>, <see cref="CorpusIngested"/>, <see cref="IndexReembedded"/> or
/// <see cref="JobFailed"/>).
/// </summary>
public static class JobOverRabbitMq
{
    public static async Task<(object Result, IReadOnlyCollection<string> Notes)> RunAsync(object job, Guid jobId)
    {
        ArgumentNullException.ThrowIfNull(job);
        var notes = new ConcurrentQueue<string>();
        var outcome = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = RabbitMq.Settings();
        var sender = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(RabbitMq.Host, ushort.Parse(settings["Bus:RabbitMq:Port"]!, System.Globalization.CultureInfo.InvariantCulture),
                RabbitMq.VirtualHost, host =>
                {
                    host.Username("guest");
                    host.Password("guest");
                });
            rabbit.ReceiveEndpoint($"worker-test-reports-{jobId:N}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.Handler<JobProgressed>(context => Note(context.Message.JobId == jobId, () => notes.Enqueue(context.Message.Note)));
                endpoint.Handler<DomainModelBootstrapped>(context => Note(context.Message.JobId == jobId, () => outcome.TrySetResult(context.Message)));
                endpoint.Handler<CorpusIngested>(context => Note(context.Message.JobId == jobId, () => outcome.TrySetResult(context.Message)));
                endpoint.Handler<IndexReembedded>(context => Note(context.Message.JobId == jobId, () => outcome.TrySetResult(context.Message)));
                endpoint.Handler<JobFailed>(context => Note(context.Message.JobId == jobId, () => outcome.TrySetResult(context.Message)));
            });
        });
        await sender.StartAsync();
        try
        {
            await sender.Publish(job);
            return (await outcome.Task.WaitAsync(TimeSpan.FromMinutes(5)), notes);
        }
        finally
        {
            await sender.StopAsync();
        }
    }

    static Task Note(bool ours, Action record)
    {
        if (ours) record();
        return Task.CompletedTask;
    }
}
