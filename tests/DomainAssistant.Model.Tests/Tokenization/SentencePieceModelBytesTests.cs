using DomainAssistant.Model.Tokenization;
using Google.Protobuf;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// Reads the converter's ModelProto with Google.Protobuf's own wire reader, field numbers from
/// sentencepiece_model.proto, so the bytes `da convert` writes are checked independently of our writer.
/// </summary>
public class SentencePieceModelBytesTests
{
    static Dictionary<int, List<object>> Fields(ByteString message)
    {
        var fields = new Dictionary<int, List<object>>();
        var input = new CodedInputStream(message.ToByteArray());
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            object value = WireFormat.GetTagWireType(tag) switch
            {
                WireFormat.WireType.Varint => input.ReadInt64(),
                WireFormat.WireType.Fixed32 => input.ReadFloat(),
                WireFormat.WireType.LengthDelimited => input.ReadBytes(),
                var other => throw new InvalidDataException($"unexpected wire type {other}"),
            };
            if (!fields.TryGetValue(number, out var list)) fields[number] = list = [];
            list.Add(value);
        }
        return fields;
    }

    [Fact]
    public void Writes_a_BPE_ModelProto_with_byte_fallback_and_an_identity_normaliser()
    {
        using var folder = new TempFolder();
        var bin = folder.Write("tokenizer.bin", TokenizerFixtures.Llama2cTokenizerBin((" ", 0), ("a b", -1)));

        var model = Fields(ByteString.CopyFrom(Llama2cTokenizerConverter.ToSentencePieceModel(bin)));

        var pieces = model[1].Cast<ByteString>().Select(Fields).ToList();
        Assert.Equal(3 + 256 + 2, pieces.Count);
        (string, float, long) Piece(int id) => (((ByteString)pieces[id][1][0]).ToStringUtf8(), (float)pieces[id][2][0], (long)pieces[id][3][0]);
        Assert.Equal(("<unk>", 0f, 2L), Piece(0));                 // UNKNOWN
        Assert.Equal(("<s>", 0f, 3L), Piece(1));                   // CONTROL
        Assert.Equal(("</s>", 0f, 3L), Piece(2));                  // CONTROL
        Assert.Equal(("<0x00>", 0f, 6L), Piece(3));                // BYTE
        Assert.Equal(("<0xFF>", 0f, 6L), Piece(258));
        Assert.Equal(("▁", 0f, 1L), Piece(259));                   // NORMAL, space as U+2581
        Assert.Equal(("a▁b", -1f, 1L), Piece(260));

        var trainer = Fields((ByteString)model[2][0]);
        Assert.Equal(2L, trainer[3][0]);                           // model_type BPE
        Assert.Equal(1L, trainer[35][0]);                          // byte_fallback
        Assert.Equal((0L, 1L, 2L), ((long)trainer[40][0], (long)trainer[41][0], (long)trainer[42][0]));

        var normalizer = Fields((ByteString)model[3][0]);
        Assert.Equal("identity", ((ByteString)normalizer[1][0]).ToStringUtf8());
        Assert.Equal((1L, 0L, 1L), ((long)normalizer[3][0], (long)normalizer[4][0], (long)normalizer[5][0]));
    }
}
