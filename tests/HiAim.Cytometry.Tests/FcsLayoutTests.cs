using System.Text;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary>Layouts from the standard that the writer does not produce: 3.2 mixed types, ASCII, odd byte orders, $COMP.</summary>
public sealed class FcsLayoutTests
{
    [Fact]
    public void Fcs32_per_parameter_datatypes_mix_integers_and_floats()
    {
        // Event = uint16 (LE) + float32 (LE) + uint8.
        var data = new List<byte>();
        foreach (var (i, f, b) in new[] { (1000, 1.5f, 7), (65535, -2.25f, 255) })
        {
            data.AddRange(BitConverter.GetBytes((ushort)i));
            data.AddRange(BitConverter.GetBytes(f));
            data.Add((byte)b);
        }

        var bytes = HandmadeFcs.Build("FCS3.2", [
            ("$BYTEORD", "1,2,3,4"), ("$DATATYPE", "I"), ("$PAR", "3"), ("$TOT", "2"), ("$NEXTDATA", "0"),
            ("$P1N", "FSC-A"), ("$P1B", "16"), ("$P1E", "0,0"), ("$P1R", "65536"), ("$P1TYPE", "Forward_Scatter"),
            ("$P2N", "FITC-A"), ("$P2B", "32"), ("$P2E", "0,0"), ("$P2R", "262144"), ("$P2DATATYPE", "F"), ("$P2D", "Logarithmic,4,0.1"),
            ("$P3N", "Flag"), ("$P3B", "8"), ("$P3E", "0,0"), ("$P3R", "256"), ("$CARRIERID", "plate-7"),
        ], [.. data]);
        var file = FcsFile.Read(bytes.AsMemory());
        Assert.Equal([FcsDataType.Integer, FcsDataType.Single, FcsDataType.Integer], file.Channels.Select(c => c.DataType));
        Assert.Equal([1000f, 65535f], file.Events.Column(0).ToArray());
        Assert.Equal([1.5f, -2.25f], file.Events.Column(1).ToArray());
        Assert.Equal([7f, 255f], file.Events.Column(2).ToArray());
        Assert.Equal("Forward_Scatter", file.Channels[0].Type);
        Assert.Equal("Logarithmic,4,0.1", file.Channels[1].Display);
        Assert.Equal("plate-7", file.Keywords["$CARRIERID"]);
    }

    [Fact]
    public void Fixed_width_ascii()
    {
        var bytes = HandmadeFcs.Build("FCS3.0", [
            ("$DATATYPE", "A"), ("$PAR", "2"), ("$TOT", "3"), ("$MODE", "L"), ("$NEXTDATA", "0"), ("$BYTEORD", "1,2,3,4"),
            ("$P1N", "A"), ("$P1B", "4"), ("$P1R", "1024"), ("$P1E", "0,0"),
            ("$P2N", "B"), ("$P2B", "3"), ("$P2R", "1024"), ("$P2E", "0,0"),
        ], Encoding.ASCII.GetBytes("00123451023  0   7999"));
        var file = FcsFile.Read(bytes.AsMemory());
        Assert.Equal([12f, 1023f, 7f], file.Events.Column(0).ToArray());
        Assert.Equal([345f, 0f, 999f], file.Events.Column(1).ToArray());
    }

    [Fact]
    public void Delimited_ascii()
    {
        var bytes = HandmadeFcs.Build("FCS2.0", [
            ("$DATATYPE", "A"), ("$PAR", "2"), ("$TOT", "3"), ("$MODE", "L"),
            ("$P1N", "A"), ("$P1B", "*"), ("$P1R", "1024"),
            ("$P2N", "B"), ("$P2B", "*"), ("$P2R", "1024"),
        ], Encoding.ASCII.GetBytes("1,2\r\n30 40\t5.5,6e2\n"), dataOffsetsInText: false);
        var file = FcsFile.Read(bytes.AsMemory());
        Assert.Equal([1f, 30f, 5.5f], file.Events.Column(0).ToArray());
        Assert.Equal([2f, 40f, 600f], file.Events.Column(1).ToArray());

        var shortData = HandmadeFcs.Build("FCS2.0", [
            ("$DATATYPE", "A"), ("$PAR", "2"), ("$TOT", "3"), ("$MODE", "L"),
            ("$P1N", "A"), ("$P1B", "*"), ("$P2N", "B"), ("$P2B", "*"),
        ], Encoding.ASCII.GetBytes("1,2,3,4,5"), dataOffsetsInText: false);
        var e = Assert.Throws<FcsDataException>(() => FcsFile.Read(shortData.AsMemory()));
        Assert.Contains("event 3, channel 2 missing", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3,4,1,2", new byte[] { 0x03, 0x04, 0x01, 0x02 }, 0x04030201u)]
    [InlineData("2,1,4,3", new byte[] { 0x02, 0x01, 0x04, 0x03 }, 0x04030201u)]
    [InlineData("1,2,3,4", new byte[] { 0x01, 0x02, 0x03, 0x04 }, 0x04030201u)]
    [InlineData("4,3,2,1", new byte[] { 0x04, 0x03, 0x02, 0x01 }, 0x04030201u)]
    public void Fcs20_byte_orders(string byteord, byte[] stored, uint value)
    {
        var bytes = HandmadeFcs.Build("FCS2.0", [
            ("$DATATYPE", "I"), ("$PAR", "1"), ("$TOT", "1"), ("$MODE", "L"), ("$BYTEORD", byteord),
            ("$P1N", "X"), ("$P1B", "32"), ("$P1R", "4294967296"),
        ], stored, dataOffsetsInText: false);
        var file = FcsFile.Read(bytes.AsMemory(), new FcsReadOptions { DoublePrecision = true });
        Assert.Equal(value, file.RawValues![0][0]);
    }

    [Fact]
    public void Comp_keyword_without_names_uses_the_first_channels()
    {
        var bytes = HandmadeFcs.Build("FCS2.0", [
            ("$DATATYPE", "F"), ("$PAR", "2"), ("$TOT", "1"), ("$MODE", "L"), ("$BYTEORD", "1,2,3,4"),
            ("$P1N", "FL1-H"), ("$P1B", "32"), ("$P1R", "1024"), ("$P2N", "FL2-H"), ("$P2B", "32"), ("$P2R", "1024"),
            ("$COMP", "2,1,0.25,0.5,1"),
        ], new byte[8], dataOffsetsInText: false);
        var s = FcsFile.Read(bytes.AsMemory()).Spillover!;
        Assert.Equal("$COMP", s.Source);
        Assert.Equal(["FL1-H", "FL2-H"], s.Detectors);
        Assert.Equal(0.25, s[0, 1]);
        Assert.Equal(0.5, s[1, 0]);
    }

    [Fact]
    public void Mode_c_histograms_are_refused()
    {
        var bytes = HandmadeFcs.Build("FCS3.0", [
            ("$DATATYPE", "I"), ("$PAR", "1"), ("$TOT", "1"), ("$MODE", "C"), ("$BYTEORD", "1,2,3,4"), ("$NEXTDATA", "0"),
            ("$P1N", "X"), ("$P1B", "16"), ("$P1R", "1024"), ("$P1E", "0,0"),
        ], new byte[2]);
        var e = Assert.Throws<FcsUnsupportedException>(() => FcsFile.Read(bytes.AsMemory()));
        Assert.Equal("$MODE", e.Keyword);
        Assert.Equal(Encoding.ASCII.GetString(bytes).IndexOf("$MODE", StringComparison.Ordinal), e.Offset);
    }
}
