namespace Uplink.IntegrationTests.Peers;

/// <summary>
/// Finds the external programs the integration tests need. A missing one fails the test loudly with
/// what to install; these tests are never skipped silently (on CI or elsewhere).
/// </summary>
public static class RequiredTools
{
    /// <summary>Path of the nginx-rtmp module the nginx peer loads.</summary>
    public const string NginxRtmpModule = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

    /// <summary>ffmpeg, the publisher of the self-checks, clip generator and hashing oracle.</summary>
    public static string Ffmpeg => Find("ffmpeg", "apt-get install ffmpeg");

    /// <summary>nginx with the RTMP module.</summary>
    public static string Nginx
    {
        get
        {
            var nginx = Find("nginx", "apt-get install nginx libnginx-mod-rtmp");
            if (!File.Exists(NginxRtmpModule))
            {
                throw new InvalidOperationException($"Integration peer missing: {NginxRtmpModule} does not exist (apt-get install libnginx-mod-rtmp).");
            }

            return nginx;
        }
    }

    /// <summary>Node.js, which runs Node-Media-Server.</summary>
    public static string Node => Find("node", "apt-get install nodejs npm");

    /// <summary>The repository root (the directory holding Uplink.slnx).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Uplink.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"Cannot find the repository root (Uplink.slnx) above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Looks <paramref name="program"/> up on PATH (then /usr/sbin, /usr/bin) or fails naming the package to install.</summary>
    public static string Find(string program, string installHint)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin").Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? " (CI=true: .ci/run should have installed it)" : "";
        throw new InvalidOperationException($"Integration peer missing: `{program}` is not on PATH{ci}; install it with `{installHint}`.");
    }
}
