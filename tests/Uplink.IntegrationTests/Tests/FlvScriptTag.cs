using System.Buffers.Binary;
using System.Text;

namespace Uplink.IntegrationTests.Tests;

/// <summary>A script-data tag of an FLV file: its timestamp and the AMF0 string that names it (onMetaData, onFI, …), with its body.</summary>
internal sealed record FlvScriptTag(uint Timestamp, string Name, byte[] Body)
{
    /// <summary>
    /// Every script tag (type 18) of an FLV file, by walking the tag headers; a tag whose body does not start with an
    /// AMF0 string gets the name "". Stops at a truncated tail.
    /// </summary>
    public static IReadOnlyList<FlvScriptTag> ReadAll(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        Assert.True(data.Length >= 13 && data[0] == 'F' && data[1] == 'L' && data[2] == 'V', $"{path} is not an FLV file");
        int at = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(5)) + 4;
        var tags = new List<FlvScriptTag>();
        while (at + 11 <= data.Length)
        {
            int type = data[at] & 0x1F;
            int size = (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3];
            uint timestamp = (uint)((data[at + 7] << 24) | (data[at + 4] << 16) | (data[at + 5] << 8) | data[at + 6]);
            if (at + 11 + size > data.Length)
            {
                break;
            }

            if (type == 18)
            {
                byte[] body = data.AsSpan(at + 11, size).ToArray();
                string name = body.Length >= 3 && body[0] == 2 && 3 + BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(1)) <= body.Length
                    ? Encoding.UTF8.GetString(body, 3, BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(1)))
                    : "";
                tags.Add(new FlvScriptTag(timestamp, name, body));
            }

            at += 11 + size + 4;
        }

        return tags;
    }
}
