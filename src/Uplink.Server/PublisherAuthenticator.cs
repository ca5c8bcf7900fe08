using System.Security.Cryptography;
using System.Text;

namespace Uplink.Server;

/// <summary>
/// Server side of Adobe (<c>authmod=adobe</c>) and Limelight (<c>authmod=llnw</c>) publisher authentication,
/// as Adobe Media Server / Wowza and Limelight answer it. Every step is its own TCP connection, so the salt,
/// challenge, opaque and nonce handed out live here, server-wide, each used once and expiring after a while.
/// </summary>
internal sealed class PublisherAuthenticator
{
    private const int MaxOutstanding = 4096;
    private const string Realm = "live";
    private const string Qop = "auth";

    private readonly RtmpAuthMode _mode;
    private readonly string _user;
    private readonly string _password;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, Challenge> _outstanding = new(StringComparer.Ordinal);

    public PublisherAuthenticator(RtmpAuthMode mode, string user, string password, TimeSpan lifetime, TimeProvider clock)
    {
        _mode = mode;
        _user = user;
        _password = password;
        _lifetime = lifetime;
        _clock = clock;
    }

    private string ModeName => _mode == RtmpAuthMode.Adobe ? "adobe" : "llnw";

    /// <summary>Decides on a connect whose <c>app</c> (with query) is <paramref name="appWithQuery"/>.</summary>
    public AuthenticationDecision Check(string appWithQuery)
    {
        if (_mode == RtmpAuthMode.None)
        {
            return AuthenticationDecision.Accept;
        }

        ConnectQuery query = ConnectQuery.Parse(appWithQuery);
        string? user = query["user"];
        if (!string.Equals(query["authmod"], ModeName, StringComparison.Ordinal) || string.IsNullOrEmpty(user))
        {
            return new(false, $"[ AccessManager.Reject ] : [ code=403 need auth; authmod={ModeName} ] : ", "need auth");
        }

        if (!string.Equals(user, _user, StringComparison.Ordinal))
        {
            return Reject("nosuchuser");
        }

        string? response = query["response"];
        if (response is null)
        {
            return _mode == RtmpAuthMode.Adobe ? IssueAdobeChallenge(user) : IssueNonce(user);
        }

        return _mode == RtmpAuthMode.Adobe ? VerifyAdobe(query, user, response) : VerifyLlnw(query, user, response);
    }

    /// <summary>Adobe's response: base64(md5(base64(md5(user + salt + password)) + (opaque or challenge) + clientChallenge)).</summary>
    public static string AdobeResponse(string user, string salt, string password, string? opaque, string? challenge, string clientChallenge)
    {
        string first = Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(user + salt + password)));
        return Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(first + (opaque ?? challenge ?? "") + clientChallenge)));
    }

    /// <summary>Limelight's response: hex(md5(hex(md5(user:live:password)):nonce:nc:cnonce:auth:hex(md5("publish:/" + app [+ "/_definst_"])))).</summary>
    public static string LlnwResponse(string user, string password, string app, string nonce, string nc, string cnonce)
    {
        string ha1 = Hex(user + ":" + Realm + ":" + password);
        string ha2 = Hex("publish:/" + app + (app.Contains('/', StringComparison.Ordinal) ? "" : "/_definst_"));
        return Hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + Qop + ":" + ha2);
    }

    private static string Hex(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(6));

    private AuthenticationDecision Reject(string reason, string extra = "") =>
        new(false, $"[ AccessManager.Reject ] : [ authmod={ModeName} ] : ?reason={reason}{extra}", reason);

    private AuthenticationDecision IssueAdobeChallenge(string user)
    {
        string salt = NewToken();
        string challenge = NewToken();
        string opaque = NewToken();
        Remember(opaque, new Challenge(salt, challenge, default));
        return Reject("needauth", $"&user={user}&salt={salt}&challenge={challenge}&opaque={opaque}");
    }

    private AuthenticationDecision IssueNonce(string user)
    {
        string nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        Remember(nonce, new Challenge("", nonce, default));
        return Reject("needauth", $"&user={user}&nonce={nonce}");
    }

    private AuthenticationDecision VerifyAdobe(ConnectQuery query, string user, string response)
    {
        string? opaque = query["opaque"];
        string? clientChallenge = query["challenge"];
        if (clientChallenge is null || !TryTake(opaque ?? "", out Challenge issued))
        {
            return Reject("authfailed", opaque is null ? "" : "&opaque=" + opaque);
        }

        string expected = AdobeResponse(user, issued.Salt, _password, opaque, issued.Value, clientChallenge);
        return FixedTimeEquals(expected, response) ? AuthenticationDecision.Accept : Reject("authfailed", "&opaque=" + opaque);
    }

    private AuthenticationDecision VerifyLlnw(ConnectQuery query, string user, string response)
    {
        string? nonce = query["nonce"];
        string? cnonce = query["cnonce"];
        string nc = query["nc"] ?? "00000001";
        if (nonce is null || cnonce is null || !TryTake(nonce, out _))
        {
            return Reject("authfailed");
        }

        string expected = LlnwResponse(user, _password, query.App, nonce, nc, cnonce);
        return FixedTimeEquals(expected, response.ToLowerInvariant()) ? AuthenticationDecision.Accept : Reject("authfailed");
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    private void Remember(string key, Challenge challenge)
    {
        DateTimeOffset now = _clock.GetUtcNow();
        lock (_outstanding)
        {
            if (_outstanding.Count >= MaxOutstanding)
            {
                Purge(now);
            }

            if (_outstanding.Count >= MaxOutstanding)
            {
                // Still full of live challenges: forget the one closest to expiry rather than grow.
                string? oldest = null;
                DateTimeOffset oldestExpiry = DateTimeOffset.MaxValue;
                foreach (KeyValuePair<string, Challenge> entry in _outstanding)
                {
                    if (entry.Value.Expires < oldestExpiry)
                    {
                        oldest = entry.Key;
                        oldestExpiry = entry.Value.Expires;
                    }
                }

                _outstanding.Remove(oldest!);
            }

            _outstanding[key] = challenge with { Expires = now + _lifetime };
        }
    }

    private bool TryTake(string key, out Challenge challenge)
    {
        lock (_outstanding)
        {
            if (_outstanding.Remove(key, out challenge) && challenge.Expires > _clock.GetUtcNow())
            {
                return true;
            }
        }

        challenge = default;
        return false;
    }

    private void Purge(DateTimeOffset now)
    {
        List<string>? expired = null;
        foreach (KeyValuePair<string, Challenge> entry in _outstanding)
        {
            if (entry.Value.Expires <= now)
            {
                (expired ??= []).Add(entry.Key);
            }
        }

        foreach (string key in expired ?? [])
        {
            _outstanding.Remove(key);
        }
    }

    /// <summary>Outstanding challenges (for tests).</summary>
    internal int OutstandingCount
    {
        get
        {
            lock (_outstanding)
            {
                return _outstanding.Count;
            }
        }
    }

    private readonly record struct Challenge(string Salt, string Value, DateTimeOffset Expires);
}
