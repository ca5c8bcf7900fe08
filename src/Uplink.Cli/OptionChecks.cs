using System.CommandLine;
using System.CommandLine.Parsing;

namespace Uplink.Cli;

/// <summary>
/// Adds a range check to an option that runs only when the value converted: for "--loop abc" System.CommandLine reports
/// its own one-line conversion error, while a validator asking for the value would throw instead (a stack trace).
/// </summary>
internal static class OptionChecks
{
    /// <summary>The longest time in seconds an option takes where the library sets no upper bound (connect timeout, reconnect delay).</summary>
    public const int MaxSeconds = 3600;

    public static void Add<T>(Option<T> option, Action<OptionResult, T> check)
    {
        option.Validators.Add(result =>
        {
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return;
            }

            check(result, value);
        });
    }
}
