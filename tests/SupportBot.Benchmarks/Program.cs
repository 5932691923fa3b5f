using System.Globalization;
using BenchmarkDotNet.Running;
using SupportBot.Benchmarks;

// --training [RUNS]: time the default pipeline's training with a Stopwatch (seconds per fit);
// anything else goes to BenchmarkDotNet (--filter '*', --job short, --list flat, ...).
var training = Array.IndexOf(args, "--training");
if (training >= 0)
{
    var runs = training + 1 < args.Length ? int.Parse(args[training + 1], CultureInfo.InvariantCulture) : 3;
    return TrainingTimer.Run(Math.Max(runs, 1));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
