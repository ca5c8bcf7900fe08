using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Uplink.Session.Auth;

/// <summary>
/// The publisher's side of RTMP authentication as Adobe Media Server / Wowza (<c>authmod=adobe</c>) and
/// Limelight (<c>authmod=llnw</c>) do it, and as FFmpeg, OBS and GStreamer implement it: every step is a new
/// connection whose <c>connect</c> carries parameters appended to <c>app</c> and <c>tcUrl</c>; what to send next
/// is read from the description of the server's <c>_error</c>.
/// </summary>
internal static class AuthenticationStep
{
    /// <summary>What to do after a refused <c>connect</c>.</summary>
    /// <param name="description">The server's description, unredacted.</param>
    /// <param name="credentials">The credentials, if the caller gave any.</param>
    /// <param name="app">The application, for Limelight's digest.</param>
    /// <param name="alreadyResponded">True when the refused connect already carried a response.</param>
    /// <param name="parameters">On success, the query to append to <c>app</c> and <c>tcUrl</c> for the next connect.</param>
    /// <param name="failure">On failure, why, in one line without secrets.</param>
    /// <returns>True when another connect should be tried with <paramref name="parameters"/>.</returns>
    public static bool TryNext(string description, RtmpCredentials? credentials, string app, bool alreadyResponded, out string parameters, out string failure)
    {
        parameters = "";
        failure = "";
        string? mode = description.Contains("authmod=adobe", StringComparison.Ordinal) ? "adobe"
            : description.Contains("authmod=llnw", StringComparison.Ordinal) ? "llnw"
            : null;
        if (mode is null)
        {
            return false;
        }

        if (credentials is null)
        {
            failure = $"the server requires authentication (authmod={mode}): give a user name and password";
            return false;
        }

        if (description.Contains("reason=authfailed", StringComparison.Ordinal))
        {
            failure = $"authentication failed (authmod={mode}, reason=authfailed): wrong user name or password";
            return false;
        }

        if (description.Contains("reason=nosuchuser", StringComparison.Ordinal))
        {
            failure = $"authentication failed (authmod={mode}, reason=nosuchuser): the server knows no user '{credentials.UserName}'";
            return false;
        }

        if (alreadyResponded)
        {
            failure = $"authentication failed (authmod={mode}): the server refused the response";
            return false;
        }

        if (description.Contains("code=403 need auth", StringComparison.Ordinal))
        {
            parameters = $"?authmod={mode}&user={credentials.UserName}";
            return true;
        }

        int needAuth = description.IndexOf("?reason=needauth", StringComparison.Ordinal);
        if (needAuth < 0)
        {
            failure = $"the server refused connect with authmod={mode} but sent no challenge";
            return false;
        }

        Dictionary<string, string> fields = ParseQuery(description[(needAuth + 1)..]);
        string user = fields.GetValueOrDefault("user") ?? credentials.UserName;
        string clientChallenge = RandomNumberGenerator.GetInt32(int.MaxValue).ToString("x8", CultureInfo.InvariantCulture);
        if (mode == "adobe")
        {
            string salt = fields.GetValueOrDefault("salt") ?? "";
            string? challenge = fields.GetValueOrDefault("challenge");
            string? opaque = fields.GetValueOrDefault("opaque");
            string response = AdobeResponse(user, credentials.Password, salt, opaque ?? challenge ?? "", clientChallenge);
            parameters = $"?authmod=adobe&user={user}&challenge={clientChallenge}&response={response}" + (opaque is null ? "" : $"&opaque={opaque}");
            return true;
        }

        string nonce = fields.GetValueOrDefault("nonce") ?? "";
        string digest = LimelightResponse(user, credentials.Password, app, nonce, clientChallenge, "00000001");
        parameters = $"?authmod=llnw&user={user}&nonce={nonce}&cnonce={clientChallenge}&nc=00000001&response={digest}";
        return true;
    }

    /// <summary>base64(md5(base64(md5(user + salt + password)) + opaque-or-challenge + clientChallenge)).</summary>
    public static string AdobeResponse(string user, string password, string salt, string opaqueOrChallenge, string clientChallenge)
    {
        string first = Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(user + salt + password)));
        return Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(first + opaqueOrChallenge + clientChallenge)));
    }

    /// <summary>HTTP-digest style: md5hex(md5hex(user:live:password):nonce:nc:cnonce:auth:md5hex(publish:/app[/_definst_])).</summary>
    public static string LimelightResponse(string user, string password, string app, string nonce, string clientNonce, string count)
    {
        string ha1 = Hex(MD5.HashData(Encoding.UTF8.GetBytes($"{user}:live:{password}")));
        string ha2 = Hex(MD5.HashData(Encoding.UTF8.GetBytes("publish:/" + app + (app.Contains('/', StringComparison.Ordinal) ? "" : "/_definst_"))));
        return Hex(MD5.HashData(Encoding.UTF8.GetBytes($"{ha1}:{nonce}:{count}:{clientNonce}:auth:{ha2}")));
    }

    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        int end = query.IndexOfAny([' ', '\t']);
        foreach (string pair in (end < 0 ? query : query[..end]).Split('&'))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        return fields;
    }
}
