using Uplink.Media;

namespace Uplink.Cli;

/// <summary>
/// The command line's INPUT (a file or <c>-</c> for stdin), with <c>--audio</c> and <c>--fps</c> for raw
/// H.264; opens a reader for it as many times as <c>--loop</c> needs.
/// </summary>
internal sealed class InputSource
{
    private readonly string _input;
    private readonly string? _audio;
    private readonly double? _frameRate;
    private readonly Action<string> _warn;
    private readonly bool _allTracks;

    /// <param name="input">The file, or <c>-</c>.</param>
    /// <param name="audio">The <c>--audio</c> file, or null.</param>
    /// <param name="frameRate">The <c>--fps</c> value, or null.</param>
    /// <param name="warn">Where the reader's warnings go.</param>
    /// <param name="allTracks">Open the reader with <see cref="MediaReaderOptions.AllTracks"/>.</param>
    public InputSource(string input, string? audio, double? frameRate, Action<string> warn, bool allTracks = false)
    {
        _allTracks = allTracks;
        _input = input;
        _audio = audio;
        _frameRate = frameRate;
        _warn = warn;
    }

    public bool IsStdin => _input == "-";

    /// <summary>How the input is named in messages.</summary>
    public string Name => IsStdin ? "stdin" : _input;

    public async Task<IMediaReader> OpenAsync(CancellationToken cancellationToken)
    {
        Stream stream = IsStdin ? Console.OpenStandardInput() : OpenFile(_input);
        try
        {
            var options = new MediaReaderOptions { OnWarning = message => _warn($"{Name}: {message}"), AllTracks = _allTracks };
            (MediaFormat format, Stream input) = await MediaReader.DetectAsync(stream, leaveOpen: false, cancellationToken).ConfigureAwait(false);
            if (_audio is not null && format is not (MediaFormat.H264AnnexB or MediaFormat.HevcAnnexB))
            {
                throw new InputException($"--audio goes with a raw H.264 or HEVC (Annex-B) input; {Name} is {MediaFormatDetector.Name(format)}");
            }

            if (_frameRate is not null && format is not (MediaFormat.H264AnnexB or MediaFormat.HevcAnnexB))
            {
                throw new InputException($"--fps applies to raw H.264 or HEVC (Annex-B) input only; {Name} is {MediaFormatDetector.Name(format)}");
            }

            return await MediaReader.OpenDetectedAsync(format, input, _audio is null ? null : OpenFile(_audio), _frameRate, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"input file not found: {path}");
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new InputException($"cannot open {path}: {ex.Message}");
        }
    }
}
