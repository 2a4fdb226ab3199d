using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Sits before <see cref="StreamingDecoder"/>'s window and hands it only ids whose bytes form whole characters.
/// Ids are held while a UTF-8 character they started is still open; once every open character has either completed
/// or been broken (by an id that cannot continue it, by text that is not bytes, or by the end of the stream), the held
/// ids are released: unchanged when all their bytes were good, cut down to their good bytes (one byte id each) when
/// some were not, left out when none were.
/// </summary>
/// <remarks>
/// A small model often emits a token ending in a lead byte (" \xE2", the start of "€" and "–") and then an ASCII
/// word; Decode shows such bytes as U+FFFD. Which bytes are broken follows UTF-8's maximal-subpart rule (the one .NET's
/// decoder replaces), so the released text is Decode's with exactly its replacement characters removed, and a real
/// U+FFFD in the text (the bytes EF BF BD) is kept.
/// </remarks>
internal sealed class BrokenUtf8Filter(TokenBytes tokenBytes)
{
    /// <summary>An id waiting for its characters to resolve, and which of its bytes turned out broken.</summary>
    sealed class Held(int id, byte[]? bytes)
    {
        public int Id { get; } = id;

        /// <summary>Null for an id that carries no bytes (a skipped special token waiting in line).</summary>
        public byte[]? Bytes { get; } = bytes;

        /// <summary>Null while all its bytes are good.</summary>
        public bool[]? Broken { get; set; }
    }

    readonly List<Held> _held = [];
    readonly List<byte> _open = [];                           // bytes of the characters not yet resolved
    readonly List<(Held Owner, int Index)> _openOwners = [];  // which held id, and which of its bytes, each one is

    /// <summary>Feeds one id; appends to <paramref name="ready"/> whatever can now be decoded (nothing while a character is open).</summary>
    public void Add(int id, List<int> ready)
    {
        if (tokenBytes.TryGetBytes(id, out var bytes))
        {
            var held = new Held(id, bytes);
            _held.Add(held);
            for (var i = 0; i < bytes.Length; i++)
            {
                _open.Add(bytes[i]);
                _openOwners.Add((held, i));
            }
            Resolve();
            if (_open.Count == 0) Release(ready);
        }
        else if (tokenBytes.IsSkipped(id))
        {
            // Decode joins the bytes on either side of it, so it waits in line rather than breaking anything.
            if (_held.Count > 0) _held.Add(new Held(id, null));
            else ready.Add(id);
        }
        else
        {
            // Text that is not bytes (a SentencePiece word, an added token) cannot continue a character.
            Flush(ready);
            ready.Add(id);
        }
    }

    /// <summary>The stream ended: a character still open never completes; its bytes are dropped and the rest released.</summary>
    public void Flush(List<int> ready)
    {
        BreakOpen(_open.Count);
        Release(ready);
    }

    /// <summary>Takes complete characters off the front of the open bytes and breaks those that cannot complete.</summary>
    void Resolve()
    {
        while (_open.Count > 0)
        {
            var status = Rune.DecodeFromUtf8(CollectionsMarshal.AsSpan(_open), out _, out var consumed);
            if (status == OperationStatus.NeedMoreData) return;
            if (status == OperationStatus.InvalidData) BreakOpen(consumed);
            else Take(consumed);
        }
    }

    void BreakOpen(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (owner, index) = _openOwners[i];
            owner.Broken ??= new bool[owner.Bytes!.Length];
            owner.Broken[index] = true;
        }
        Take(count);
    }

    void Take(int count)
    {
        _open.RemoveRange(0, count);
        _openOwners.RemoveRange(0, count);
    }

    void Release(List<int> ready)
    {
        foreach (var held in _held)
        {
            if (held.Broken is null)
            {
                ready.Add(held.Id);
                continue;
            }
            // Byte-level decoding has no context beyond characters, so the good bytes' own ids decode exactly as
            // they did inside the token.
            for (var i = 0; i < held.Bytes!.Length; i++)
                if (!held.Broken[i]) ready.Add(tokenBytes.IdOfByte(held.Bytes[i]));
        }
        _held.Clear();
    }
}
