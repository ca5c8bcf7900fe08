using Uplink.Session.Auth;

namespace Uplink.Tests.Session;

public class AuthenticationStepTests
{
    private static readonly RtmpCredentials Alice = new("alice", "pa55");

    // Expected values computed independently (python3 hashlib/base64) from the formulas FFmpeg implements.
    [Fact]
    public void Adobe_response_matches_an_independent_computation()
    {
        Assert.Equal("fEYyBZ4HL7baewPf1i5lhg==", AuthenticationStep.AdobeResponse("alice", "pa55", "SaLt", "OpAq", "0badcafe"));
        Assert.Equal("3oYLOBP+amGedCo5l+PK0A==", AuthenticationStep.AdobeResponse("alice", "pa55", "SaLt", "ChAl", "0badcafe"));
    }

    [Fact]
    public void Limelight_response_matches_an_independent_computation_with_and_without_an_instance()
    {
        Assert.Equal("9114af9661c99213718063c6dbdd74fa", AuthenticationStep.LimelightResponse("alice", "pa55", "live", "N0nce", "0badcafe", "00000001"));
        Assert.Equal("893f198f6a68983cdfc2949d367babcc", AuthenticationStep.LimelightResponse("alice", "pa55", "app/inst", "N0nce", "0badcafe", "00000001"));
    }

    [Theory]
    [InlineData("[ AccessManager.Reject ] : [ code=403 need auth; authmod=adobe ] : ", "?authmod=adobe&user=alice")]
    [InlineData("[ AccessManager.Reject ] : [ code=403 need auth; authmod=llnw ] : ", "?authmod=llnw&user=alice")]
    public void A_need_auth_refusal_names_the_method_and_the_user(string description, string expected)
    {
        Assert.True(AuthenticationStep.TryNext(description, Alice, "live", alreadyResponded: false, out string parameters, out _));
        Assert.Equal(expected, parameters);
    }

    [Fact]
    public void An_adobe_challenge_is_answered_with_challenge_response_and_opaque()
    {
        string description = "[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=needauth&user=alice&salt=SaLt&challenge=ChAl&opaque=OpAq";
        Assert.True(AuthenticationStep.TryNext(description, Alice, "live", alreadyResponded: false, out string parameters, out _));
        var fields = parameters.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("adobe", fields["authmod"]);
        Assert.Equal("alice", fields["user"]);
        Assert.Equal("OpAq", fields["opaque"]);
        Assert.Matches("^[0-9a-f]{8}$", fields["challenge"]);
        Assert.Equal(AuthenticationStep.AdobeResponse("alice", "pa55", "SaLt", "OpAq", fields["challenge"]), fields["response"]);
    }

    [Fact]
    public void A_limelight_nonce_is_answered_with_cnonce_nc_and_response()
    {
        string description = "[ AccessManager.Reject ] : [ authmod=llnw ] : ?reason=needauth&user=alice&nonce=N0nce";
        Assert.True(AuthenticationStep.TryNext(description, Alice, "live", alreadyResponded: false, out string parameters, out _));
        var fields = parameters.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("llnw", fields["authmod"]);
        Assert.Equal("00000001", fields["nc"]);
        Assert.Equal(AuthenticationStep.LimelightResponse("alice", "pa55", "live", "N0nce", fields["cnonce"], "00000001"), fields["response"]);
    }

    [Theory]
    [InlineData("[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=authfailed&opaque=x", "reason=authfailed")]
    [InlineData("[ AccessManager.Reject ] : [ authmod=llnw ] : ?reason=nosuchuser", "no user 'alice'")]
    public void Refusals_end_the_attempt_with_the_reason(string description, string reason)
    {
        Assert.False(AuthenticationStep.TryNext(description, Alice, "live", alreadyResponded: false, out _, out string failure));
        Assert.Contains(reason, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_credentials_the_refusal_says_they_are_needed()
    {
        Assert.False(AuthenticationStep.TryNext("code=403 need auth; authmod=adobe", null, "live", false, out _, out string failure));
        Assert.Contains("requires authentication (authmod=adobe)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refusal_without_an_auth_method_is_not_authentication()
    {
        Assert.False(AuthenticationStep.TryNext("Application not found", Alice, "live", false, out _, out string failure));
        Assert.Equal("", failure);
    }

    [Fact]
    public void A_second_challenge_after_a_response_is_a_failure_not_a_loop()
    {
        Assert.False(AuthenticationStep.TryNext("authmod=adobe : ?reason=needauth&salt=a&challenge=b", Alice, "live", alreadyResponded: true, out _, out string failure));
        Assert.Contains("refused the response", failure, StringComparison.Ordinal);
    }
}
