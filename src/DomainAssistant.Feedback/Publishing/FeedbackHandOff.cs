using System.Threading.Channels;
using DomainAssistant.Contracts;

namespace DomainAssistant.Feedback.Publishing;

/// <summary>
/// The feedbacks this process recorded and publishes itself, from the moment their recording starts until they are
/// marked or given back: the queue the outbox publishes from, and the ids its sweeps leave alone meanwhile.
/// </summary>
/// <remarks>
/// An id is held before its row is written, so a sweep that reads the row before it is queued still leaves it to the
/// hand-off (on PostgreSQL the claim in the INSERT already keeps it out; a SQLite store claims nothing). An id may be
/// held more than once at a time (a retry of the same feedback racing the first): it is released when the last lets go.
/// </remarks>
internal sealed class FeedbackHandOff
{
    readonly Dictionary<Guid, int> _held = [];
    readonly Channel<FeedbackSubmitted> _queued = Channel.CreateUnbounded<FeedbackSubmitted>(new UnboundedChannelOptions { SingleReader = true });

    public void Hold(Guid feedbackId)
    {
        lock (_held) _held[feedbackId] = _held.GetValueOrDefault(feedbackId) + 1;
    }

    public void Let(Guid feedbackId)
    {
        lock (_held)
        {
            if (!_held.TryGetValue(feedbackId, out var holds)) return;
            if (holds <= 1) _held.Remove(feedbackId);
            else _held[feedbackId] = holds - 1;
        }
    }

    public bool IsHeld(Guid feedbackId)
    {
        lock (_held) return _held.ContainsKey(feedbackId);
    }

    /// <summary>Queues a held feedback for publishing (its hold is let go once it is marked or given back).</summary>
    public void Queue(FeedbackSubmitted feedback) => _queued.Writer.TryWrite(feedback);

    /// <summary>Up to <paramref name="max"/> queued feedbacks, oldest first; empty when none is queued.</summary>
    public List<FeedbackSubmitted> Take(int max)
    {
        var taken = new List<FeedbackSubmitted>();
        while (taken.Count < max && _queued.Reader.TryRead(out var feedback)) taken.Add(feedback);
        return taken;
    }
}
