namespace Uplink.Cli;

/// <summary>The user's input or command line is wrong (exit 2); the message is the whole story.</summary>
internal sealed class InputException : Exception
{
    public InputException(string message)
        : base(message)
    {
    }
}
