using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Uplink;
using Uplink.Hosting;
using Uplink.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers Uplink's writer and embedded server with a .NET host.
/// </summary>
/// <example><code>
/// var builder = Host.CreateApplicationBuilder(args);
/// builder.Services.AddRtmpServer(builder.Configuration.GetSection("Uplink:Server"));
/// builder.Services.AddRtmpWriter(builder.Configuration.GetSection("Uplink:Writer"));
/// builder.Services.AddHostedService&lt;CameraPublisher&gt;(); // takes RtmpWriter in its constructor
/// await builder.Build().RunAsync();
/// </code></example>
/// <remarks>
/// Settings are the options' property names (<c>"Url"</c>, <c>"LiveMode"</c>, <c>"OutputBufferSize"</c>,
/// <c>"Reconnect": { "Attempts": 5 }</c>, <c>"Credentials": { "UserName": …, "Password": … }</c>, TimeSpans as
/// <c>"00:00:05"</c>); <c>"Video"</c> is <c>H264AnnexB</c>, <c>HevcAnnexB</c>, <c>Av1</c>, <c>Vp9</c> or <c>None</c>, <c>"Audio"</c>
/// <c>AacAdts</c>, <c>Ac3</c>, <c>Eac3</c>, <c>Mp3</c> or <c>None</c> (the forms that carry their configuration in band), the
/// server's <c>"Listen"</c> an address and port. A key that names no setting fails when the service is first resolved.
/// Without a <c>LoggerFactory</c> of their own, the writer and server log through the host's; a <see cref="TimeProvider"/>
/// registered with the host replaces the system clock. Writers and the server are made when the host starts, in the order
/// they were added (so a writer's options made in code can read the server's port). Both are <see cref="IAsyncDisposable"/>
/// only: dispose the host asynchronously (<c>RunAsync</c> does; otherwise <c>await using</c>), not with <c>using</c>.
/// </remarks>
public static class RtmpServiceCollectionExtensions
{
    /// <summary>
    /// Adds an <see cref="RtmpWriter"/> (a singleton) whose options are bound from <paramref name="configuration"/>, and
    /// read as <see cref="IOptions{TOptions}"/> of <see cref="RtmpWriterOptions"/>. The writer connects on its first write
    /// (or the application's ConnectAsync); when the host stops, its stream is ended cleanly, queued frames delivered.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The writer's section, e.g. <c>Configuration.GetSection("Uplink:Writer")</c>.</param>
    /// <param name="configure">Finishes what configuration cannot say, when the writer is made: media types known only at
    /// run time, a reconnect policy, credentials from a secret store — <c>(services, options) =&gt; options with { Video = … }</c>.</param>
    public static IServiceCollection AddRtmpWriter(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, RtmpWriterOptions, RtmpWriterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        BindWriterOptions(services, Options.Options.DefaultName, configuration);
        return AddWriter(services, Options.Options.DefaultName, serviceKey: null, Finish(sp => sp.GetRequiredService<IOptions<RtmpWriterOptions>>().Value, configure));
    }

    /// <summary>Adds an <see cref="RtmpWriter"/> (a singleton) with options made in code.</summary>
    public static IServiceCollection AddRtmpWriter(this IServiceCollection services, Func<IServiceProvider, RtmpWriterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return AddWriter(services, Options.Options.DefaultName, serviceKey: null, options);
    }

    /// <summary>
    /// Adds one of several writers, as a keyed singleton (<c>[FromKeyedServices("youtube")] RtmpWriter writer</c>), with
    /// its options bound from <paramref name="configuration"/> as named options (<see cref="IOptionsMonitor{TOptions}"/>.Get(name)).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="name">The writer's service key and options name.</param>
    /// <param name="configuration">The writer's section.</param>
    /// <param name="configure">Finishes what configuration cannot say, when the writer is made (see <see cref="AddRtmpWriter(IServiceCollection, IConfiguration, Func{IServiceProvider, RtmpWriterOptions, RtmpWriterOptions}?)"/>).</param>
    public static IServiceCollection AddKeyedRtmpWriter(this IServiceCollection services, string name, IConfiguration configuration, Func<IServiceProvider, RtmpWriterOptions, RtmpWriterOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configuration);
        BindWriterOptions(services, name, configuration);
        return AddWriter(services, name, name, Finish(sp => sp.GetRequiredService<IOptionsMonitor<RtmpWriterOptions>>().Get(name), configure));
    }

    /// <summary>Adds one of several writers, as a keyed singleton, with options made in code.</summary>
    public static IServiceCollection AddKeyedRtmpWriter(this IServiceCollection services, string name, Func<IServiceProvider, RtmpWriterOptions> options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        return AddWriter(services, name, name, options);
    }

    /// <summary>
    /// Adds the embedded <see cref="RtmpServer"/> (a singleton) with options bound from <paramref name="configuration"/>
    /// (and read as <see cref="IOptions{TOptions}"/> of <see cref="RtmpServerOptions"/>); it listens while the host runs.
    /// </summary>
    public static IServiceCollection AddRtmpServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RtmpServerOptions>().Configure(options => ConfigurationOptionsBinder.BindServer(configuration, options));
        return AddServer(services, sp => sp.GetRequiredService<IOptions<RtmpServerOptions>>().Value);
    }

    /// <summary>Adds the embedded <see cref="RtmpServer"/> (a singleton) with options made in code; it listens while the host runs.</summary>
    public static IServiceCollection AddRtmpServer(this IServiceCollection services, Func<IServiceProvider, RtmpServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return AddServer(services, options);
    }

    private static Func<IServiceProvider, RtmpWriterOptions> Finish(Func<IServiceProvider, RtmpWriterOptions> bound, Func<IServiceProvider, RtmpWriterOptions, RtmpWriterOptions>? configure) =>
        configure is null ? bound : sp => configure(sp, bound(sp));

    private static void BindWriterOptions(IServiceCollection services, string name, IConfiguration configuration) =>
        services.AddOptions<RtmpWriterOptions>(name).Configure(options => ConfigurationOptionsBinder.BindWriter(configuration, options));

    private static IServiceCollection AddWriter(IServiceCollection services, string name, string? serviceKey, Func<IServiceProvider, RtmpWriterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(RtmpWriter) && Equals(d.ServiceKey, serviceKey)))
        {
            throw new InvalidOperationException(serviceKey is null
                ? "An RtmpWriter is registered already; add more writers with AddKeyedRtmpWriter(name, …)."
                : $"An RtmpWriter named '{serviceKey}' is registered already.");
        }

        Func<IServiceProvider, RtmpWriter> create = sp =>
        {
            RtmpWriterOptions configured = options(sp);
            return new RtmpWriter(configured with
            {
                LoggerFactory = configured.LoggerFactory ?? sp.GetService<ILoggerFactory>(),
                TimeProvider = HostClock(sp, configured.TimeProvider),
            });
        };

        if (serviceKey is null)
        {
            services.AddSingleton(create);
        }
        else
        {
            services.AddKeyedSingleton(serviceKey, (sp, _) => create(sp));
        }

        // Not AddHostedService: it adds one lifetime per implementation type, and each writer needs its own.
        services.AddSingleton<IHostedService>(sp => new RtmpWriterLifetime(
            () => serviceKey is null ? sp.GetRequiredService<RtmpWriter>() : sp.GetRequiredKeyedService<RtmpWriter>(serviceKey),
            name.Length == 0 ? "(default)" : name,
            (ILogger?)sp.GetService<ILoggerFactory>()?.CreateLogger<RtmpWriterLifetime>() ?? Logging.Abstractions.NullLogger.Instance));
        return services;
    }

    private static IServiceCollection AddServer(IServiceCollection services, Func<IServiceProvider, RtmpServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(RtmpServer)))
        {
            throw new InvalidOperationException("An RtmpServer is registered already: a host runs one embedded server.");
        }

        services.AddSingleton(sp =>
        {
            RtmpServerOptions configured = options(sp);
            return new RtmpServer(configured with
            {
                LoggerFactory = configured.LoggerFactory ?? sp.GetService<ILoggerFactory>(),
                TimeProvider = HostClock(sp, configured.TimeProvider),
            });
        });
        services.AddSingleton<IHostedService>(sp => new RtmpServerLifetime(sp.GetRequiredService<RtmpServer>()));
        return services;
    }

    private static TimeProvider HostClock(IServiceProvider services, TimeProvider configured) =>
        configured == TimeProvider.System ? services.GetService<TimeProvider>() ?? configured : configured;
}
