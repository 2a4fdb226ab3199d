using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace DomainAssistant.Training.Corpus;

/// <summary>Reads a text file as strict UTF-8: invalid bytes are an error naming the file, line and byte offset, never a silent U+FFFD.</summary>
public static class Utf8TextFile
{
    /// <summary>The text of <paramref name="path"/>, without a leading byte order mark.</summary>
    public static string Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var content = bytes.AsSpan(start);
        var chars = new char[content.Length];
        var status = Utf8.ToUtf16(content, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            var offset = start + read;
            var line = bytes.AsSpan(0, offset).Count((byte)'\n') + 1;
            throw new InvalidDataException($"corpus file '{path}' is not valid UTF-8: bad byte 0x{bytes[offset]:X2} at line {line} (byte offset {offset}).");
        }
        return new string(chars, 0, written);
    }
}
