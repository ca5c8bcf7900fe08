namespace Uplink.IntegrationTests.Tests.Packaging;

/// <summary>
/// A temporary folder the packaging tests build into (<c>dotnet … --artifacts-path</c>), so packing and publishing
/// never touch the repository's own bin/ and obj/ folders, and the libraries compiled for one test are reused by the
/// next. Deleted when the test class is done.
/// </summary>
public sealed class PackagingWorkspace : IDisposable
{
    /// <summary>The root of the temporary folder.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("uplink-packaging-").FullName;

    /// <summary>Where builds put their bin/, obj/ and publish/ folders.</summary>
    public string Artifacts => Path.Combine(Root, "artifacts");

    /// <summary>Where <c>dotnet pack</c> writes packages.</summary>
    public string Packages => Path.Combine(Root, "packages");

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(Root, recursive: true);
}
