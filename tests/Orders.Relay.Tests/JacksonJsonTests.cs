using System.Buffers;
using System.Text;
using Orders.Relay.Envelope;
using Xunit;

namespace Orders.Relay.Tests;

public sealed class JacksonJsonTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("q\"b\\s/", "\"q\\\"b\\\\s/\"")]
    [InlineData("\b\t\n\f\r", "\"\\b\\t\\n\\f\\r\"")]
    [InlineData("\u0000\u0001\u001f\u000b", "\"\\u0000\\u0001\\u001F\\u000B\"")]
    [InlineData("<&'>\u007f\u00a0\u2028\ufeff", "\"<&'>\u007f\u00a0\u2028\ufeff\"")]
    [InlineData("café 😀", "\"café \\uD83D\\uDE00\"")]
    public void Strings_are_escaped_like_Jackson_and_otherwise_raw_utf8(string value, string expected)
    {
        var output = new ArrayBufferWriter<byte>();
        JacksonJson.WriteString(output, value);
        Assert.Equal(Encoding.UTF8.GetBytes(expected), output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(1.25, "1.25")]
    [InlineData(1e10, "1.0E10")]
    [InlineData(123456789.0, "1.23456789E8")]
    [InlineData(1e7, "1.0E7")]
    [InlineData(9999999.0, "9999999.0")]
    [InlineData(100.0, "100.0")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.0001, "1.0E-4")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(double.MaxValue, "1.7976931348623157E308")]
    [InlineData(-1.5e-7, "-1.5E-7")]
    [InlineData(double.NaN, "\"NaN\"")]
    [InlineData(double.NegativeInfinity, "\"-Infinity\"")]
    public void Doubles_are_written_as_Java_Double_toString(double value, string expected)
    {
        var output = new ArrayBufferWriter<byte>();
        JacksonJson.WriteDouble(output, value);
        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
