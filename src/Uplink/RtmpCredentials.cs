namespace Uplink;

/// <summary>A user name and password for servers that authenticate publishers (Adobe/Wowza <c>authmod=adobe</c>, Limelight <c>authmod=llnw</c>).</summary>
/// <param name="UserName">The user name.</param>
/// <param name="Password">The password; never shown by <see cref="ToString"/>, logs or exceptions.</param>
public sealed record RtmpCredentials(string UserName, string Password)
{
    /// <summary>The user name with the password masked.</summary>
    public override string ToString() => $"{UserName}:***";
}
