using System.Security.Cryptography;
using System.Text;
using Uplink.Server;

namespace Uplink.Tests.Server;

public class PublisherAuthenticatorTests
{
    private readonly ManualClock _clock = new();

    private PublisherAuthenticator Create(RtmpAuthMode mode) => new(mode, "alice", "s3cret", TimeSpan.FromMinutes(2), _clock);

    private static Dictionary<string, string> Parameters(string description)
    {
        string query = description[(description.IndexOf("?reason=", StringComparison.Ordinal) + 1)..];
        return query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
    }

    // Written out from DESIGN.md independently of the server's helper, so a shared mistake cannot pass.
    private static string AdobeResponse(string user, string salt, string password, string opaque, string clientChallenge)
    {
        string b64(string s) => Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(s)));
        return b64(b64(user + salt + password) + opaque + clientChallenge);
    }

    private static string LlnwResponse(string user, string password, string app, string nonce, string cnonce)
    {
        string hex(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));
        return hex(hex($"{user}:live:{password}") + $":{nonce}:00000001:{cnonce}:auth:" + hex($"publish:/{app}/_definst_"));
    }

    [Fact]
    public void Adobe_walks_need_auth_then_needauth_then_accepts_the_right_response()
    {
        var auth = Create(RtmpAuthMode.Adobe);

        var first = auth.Check("live");
        Assert.False(first.Accepted);
        Assert.Contains("code=403 need auth; authmod=adobe", first.Description, StringComparison.Ordinal);

        var second = auth.Check("live?authmod=adobe&user=alice");
        Assert.False(second.Accepted);
        Assert.StartsWith("[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=needauth&user=alice&salt=", second.Description, StringComparison.Ordinal);
        var p = Parameters(second.Description);

        string response = AdobeResponse("alice", p["salt"], "s3cret", p["opaque"], "0badc0de");
        var third = auth.Check($"live?authmod=adobe&user=alice&challenge=0badc0de&response={response}&opaque={p["opaque"]}");
        Assert.True(third.Accepted, third.Description);
        Assert.Equal(0, auth.OutstandingCount);
    }

    [Fact]
    public void Adobe_refuses_a_wrong_password_an_unknown_user_and_a_replayed_response()
    {
        var auth = Create(RtmpAuthMode.Adobe);
        Assert.Contains("?reason=nosuchuser", auth.Check("live?authmod=adobe&user=mallory").Description, StringComparison.Ordinal);

        var p = Parameters(auth.Check("live?authmod=adobe&user=alice").Description);
        string wrong = AdobeResponse("alice", p["salt"], "guess", p["opaque"], "c2");
        var refused = auth.Check($"live?authmod=adobe&user=alice&challenge=c2&response={wrong}&opaque={p["opaque"]}");
        Assert.False(refused.Accepted);
        Assert.Contains("?reason=authfailed", refused.Description, StringComparison.Ordinal);

        p = Parameters(auth.Check("live?authmod=adobe&user=alice").Description);
        string right = AdobeResponse("alice", p["salt"], "s3cret", p["opaque"], "c2");
        string final = $"live?authmod=adobe&user=alice&challenge=c2&response={right}&opaque={p["opaque"]}";
        Assert.True(auth.Check(final).Accepted);
        Assert.Equal("authfailed", auth.Check(final).Reason);
    }

    [Fact]
    public void An_expired_challenge_is_refused()
    {
        var auth = Create(RtmpAuthMode.Adobe);
        var p = Parameters(auth.Check("live?authmod=adobe&user=alice").Description);
        _clock.Advance(TimeSpan.FromMinutes(3));
        string right = AdobeResponse("alice", p["salt"], "s3cret", p["opaque"], "c2");
        Assert.Equal("authfailed", auth.Check($"live?authmod=adobe&user=alice&challenge=c2&response={right}&opaque={p["opaque"]}").Reason);
    }

    [Fact]
    public void Outstanding_challenges_are_bounded()
    {
        var auth = Create(RtmpAuthMode.Adobe);
        for (int i = 0; i < 5000; i++)
        {
            auth.Check("live?authmod=adobe&user=alice");
        }

        Assert.Equal(4096, auth.OutstandingCount);
    }

    [Fact]
    public void Limelight_walks_need_auth_then_nonce_then_accepts_the_right_response()
    {
        var auth = Create(RtmpAuthMode.Llnw);
        Assert.Contains("code=403 need auth; authmod=llnw", auth.Check("live").Description, StringComparison.Ordinal);

        var challenge = auth.Check("live?authmod=llnw&user=alice");
        Assert.Contains("[ authmod=llnw ] : ?reason=needauth&user=alice&nonce=", challenge.Description, StringComparison.Ordinal);
        string nonce = Parameters(challenge.Description)["nonce"];

        string response = LlnwResponse("alice", "s3cret", "live", nonce, "12345678");
        Assert.True(auth.Check($"live?authmod=llnw&user=alice&nonce={nonce}&cnonce=12345678&nc=00000001&response={response}").Accepted);

        nonce = Parameters(auth.Check("live?authmod=llnw&user=alice").Description)["nonce"];
        string wrong = LlnwResponse("alice", "guess", "live", nonce, "12345678");
        Assert.Equal("authfailed", auth.Check($"live?authmod=llnw&user=alice&nonce={nonce}&cnonce=12345678&nc=00000001&response={wrong}").Reason);
        Assert.Equal("nosuchuser", auth.Check("live?authmod=llnw&user=bob").Reason);
    }

    [Fact]
    public void Without_an_auth_mode_everyone_is_accepted() =>
        Assert.True(new PublisherAuthenticator(RtmpAuthMode.None, "", "", TimeSpan.FromMinutes(1), TimeProvider.System).Check("live").Accepted);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
