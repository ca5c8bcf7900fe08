namespace Uplink.Tests;

public class VersionTests
{
    [Fact]
    public void Version_is_semantic_without_build_metadata()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", UplinkVersion.Value);
        Assert.DoesNotContain("+", UplinkVersion.Value, StringComparison.Ordinal);
    }
}
