namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// The alignment trigger's check of a domain, run once on behalf of every filing that asks for it while another check
/// of that domain is under way: a caller always waits for a check that starts after it asked, so the check counts the
/// caller's feedback, and all who arrive during one check share the next. A check takes the ledger's lock of the domain
/// and counts the inbox: with one check per filing, the filings of a domain queued on that lock one by one.
/// </summary>
public sealed class SharedDomainChecks
{
    readonly Lock _gate = new();
    // Per domain: the check callers may still join (not started yet), and whether a check is running.
    readonly Dictionary<string, Pending> _waiting = new(StringComparer.Ordinal);
    readonly HashSet<string> _running = new(StringComparer.Ordinal);

    /// <summary>Completes when a check of <paramref name="domain"/> that started after this call has ended, with its exception if it threw.</summary>
    /// <param name="domain">The domain to check.</param>
    /// <param name="check">The check; run when this caller is the first to ask for the next one, else the first caller's runs.</param>
    public Task RunAsync(string domain, Func<Task> check)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(check);
        Pending next;
        lock (_gate)
        {
            if (_waiting.TryGetValue(domain, out var joined)) return joined.Done.Task;
            next = new Pending(check);
            _waiting[domain] = next;
            if (!_running.Add(domain)) return next.Done.Task;
        }
        _ = Task.Run(() => RunWaitingAsync(domain));
        return next.Done.Task;
    }

    // One check after another while callers wait; each caller's answer is set, never thrown here.
    async Task RunWaitingAsync(string domain)
    {
        while (true)
        {
            Pending next;
            lock (_gate)
            {
                if (!_waiting.Remove(domain, out next!))
                {
                    _running.Remove(domain);
                    return;
                }
            }
            try
            {
                await next.Check();
                next.Done.TrySetResult();
            }
            catch (Exception error)
            {
                next.Done.TrySetException(error);
            }
        }
    }

    sealed record Pending(Func<Task> Check)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
