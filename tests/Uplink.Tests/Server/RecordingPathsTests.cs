using Uplink.Server;

namespace Uplink.Tests.Server;

public class RecordingPathsTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 24, 9, 8, 7, TimeSpan.Zero);

    [Theory]
    [InlineData("demo", "demo")]
    [InlineData("../../etc/passwd", "______etc_passwd")]
    [InlineData("/etc/passwd", "_etc_passwd")]
    [InlineData("..", "__")]
    [InlineData(".hidden", "_hidden")]
    [InlineData("a\\b", "a_b")]
    [InlineData("a\u0000b\nc", "a_b_c")]
    [InlineData("C:evil", "C_evil")]
    [InlineData("", "_")]
    [InlineData("key?x=1", "key_x=1")]
    public void Client_names_become_one_safe_segment(string name, string expected) =>
        Assert.Equal(expected, RecordingPaths.SanitizeSegment(name));

    [Fact]
    public void Long_names_are_cut_to_100_characters() =>
        Assert.Equal(100, RecordingPaths.SanitizeSegment(new string('a', 5000)).Length);

    [Theory]
    [InlineData("live", "demo")]
    [InlineData("..", "..")]
    [InlineData("../..", "../../x")]
    [InlineData("/abs", "/etc/cron.d/x")]
    [InlineData("live/instance", "a/../../b")]
    public void Paths_stay_under_the_record_directory(string app, string stream)
    {
        string root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "uplink-rec-test"));
        string path = RecordingPaths.Build(root, app, stream, Time, 0);
        Assert.StartsWith(root + Path.DirectorySeparatorChar, path, StringComparison.Ordinal);
        Assert.Equal(root, Path.GetDirectoryName(Path.GetDirectoryName(path)));
        Assert.EndsWith("-20261124-090807.flv", path, StringComparison.Ordinal);
    }

    [Fact]
    public void A_taken_name_gets_a_numbered_suffix_instead_of_being_overwritten()
    {
        string root = Directory.CreateTempSubdirectory("uplink-rec-").FullName;
        try
        {
            using (RecordingPaths.CreateNew(root, "live", "x", Time, out string first))
            using (RecordingPaths.CreateNew(root, "live", "x", Time, out string second))
            {
                Assert.EndsWith(Path.Combine("live", "x-20261124-090807.flv"), first, StringComparison.Ordinal);
                Assert.EndsWith(Path.Combine("live", "x-20261124-090807-1.flv"), second, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
