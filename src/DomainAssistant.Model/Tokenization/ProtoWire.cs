using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace DomainAssistant.Model.Tokenization;

/// <summary>Protocol-buffer wire types (https://protobuf.dev/programming-guides/encoding/).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// Writes the protobuf wire format by hand: the SentencePiece schema needs only varints, strings, floats and
/// nested messages, which keeps the project off a generated-code dependency.
/// </summary>
internal sealed class ProtoWriter
{
    readonly ArrayBufferWriter<byte> _buffer = new();

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void WriteVarint(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        // Negative int32 values are sign-extended to 64 bits on the wire, as protobuf requires.
        WriteRawVarint(unchecked((ulong)value));
    }

    public void WriteBool(int field, bool value) => WriteVarint(field, value ? 1 : 0);

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write<byte>(bytes);
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteMessage(int field, ProtoWriter message) => WriteBytes(field, message.ToArray());

    void WriteBytes(int field, byte[] bytes)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteRawVarint((ulong)bytes.Length);
        _buffer.Write<byte>(bytes);
    }

    void WriteTag(int field, WireType type) => WriteRawVarint(((ulong)field << 3) | (ulong)type);

    void WriteRawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.Write([(byte)(value | 0x80)]);
            value >>= 7;
        }
        _buffer.Write([(byte)value]);
    }
}

/// <summary>
/// Reads the protobuf wire format field by field; every length is checked against what is left, so a truncated
/// or corrupt file ends in <see cref="InvalidDataException"/> rather than an out-of-range read.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    readonly ReadOnlySpan<byte> _data = data;
    int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field's tag; the caller then reads or skips the value.</summary>
    public (int Field, WireType Type) ReadTag()
    {
        var tag = ReadRawVarint();
        var field = tag >> 3;
        if (field == 0 || field > int.MaxValue)
            throw new InvalidDataException($"invalid field number {field} at byte {_position}.");
        var type = (WireType)(tag & 7);
        if (type is not (WireType.Varint or WireType.Fixed64 or WireType.LengthDelimited or WireType.Fixed32))
            throw new InvalidDataException($"unsupported wire type {(int)type} at byte {_position}.");
        return ((int)field, type);
    }

    public long ReadVarint(WireType type)
    {
        Expect(type, WireType.Varint);
        return unchecked((long)ReadRawVarint());
    }

    public float ReadFloat(WireType type)
    {
        Expect(type, WireType.Fixed32);
        return BinaryPrimitives.ReadSingleLittleEndian(Take(4));
    }

    public ReadOnlySpan<byte> ReadBytes(WireType type)
    {
        Expect(type, WireType.LengthDelimited);
        var length = ReadRawVarint();
        if (length > (ulong)(_data.Length - _position))
            throw new InvalidDataException($"a field of {length} bytes runs past the end of the data (byte {_position} of {_data.Length}).");
        return Take((int)length);
    }

    public string ReadString(WireType type)
    {
        var bytes = ReadBytes(type);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"a string field ending at byte {_position} is not valid UTF-8.");
        }
    }

    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint: ReadRawVarint(); break;
            case WireType.Fixed64: Take(8); break;
            case WireType.Fixed32: Take(4); break;
            default: ReadBytes(type); break;
        }
    }

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    readonly void Expect(WireType actual, WireType expected)
    {
        if (actual != expected)
            throw new InvalidDataException($"expected wire type {expected} but found {actual} at byte {_position}.");
    }

    ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
            throw new InvalidDataException($"the data ends at byte {_data.Length} in the middle of a field.");
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    ulong ReadRawVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Take(1)[0];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new InvalidDataException($"a varint longer than 10 bytes at byte {_position}.");
    }
}
