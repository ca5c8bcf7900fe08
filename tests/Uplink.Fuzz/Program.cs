using SharpFuzz;
using Uplink.Fuzz;
using Uplink.Fuzz.Targets;

// uplink fuzz driver. Under afl-fuzz: `Uplink.Fuzz <target>` (input on stdin or @@ path, see fuzz.sh).
// Outside it: `Uplink.Fuzz <target> <file or folder>...` replays inputs and prints each outcome;
// `Uplink.Fuzz --list` names the targets; `Uplink.Fuzz --seeds <folder>` writes the protocol targets' seeds.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: Uplink.Fuzz <target> [inputs...] | --list | --seeds <corpus folder>");
    return 2;
}

if (args[0] == "--list")
{
    foreach (FuzzTarget t in FuzzTargets.All)
    {
        Console.WriteLine($"{t.Name,-10} {t.Description}");
    }

    return 0;
}

if (args[0] == "--seeds" && args.Length == 2)
{
    ProtocolSeeds.Write(args[1]);
    return 0;
}

FuzzTarget? target = FuzzTargets.Find(args[0]);
if (target is null)
{
    Console.Error.WriteLine($"no target '{args[0]}'; --list names them");
    return 2;
}

if (args.Length > 1)
{
    return Replay.Run(target, args[1..]);
}

if (Environment.GetEnvironmentVariable("UPLINK_FUZZ_OUT_OF_PROCESS") == "1")
{
    Fuzzer.OutOfProcess.Run(stream => target.Run(ReadAll(stream)));
}
else
{
    Fuzzer.Run(stream => target.Run(ReadAll(stream)));
}

return 0;

static byte[] ReadAll(Stream stream)
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    return copy.ToArray();
}
