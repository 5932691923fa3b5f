using System.Globalization;

namespace SupportBot.LoadTest;

/// <summary>
/// CPU time and resident memory of a process and its children, read from /proc: nginx and
/// PostgreSQL do their work in worker and backend processes under one parent.
/// </summary>
public static class ProcessTree
{
    private static readonly double TicksPerSecond = 100;  // USER_HZ; 100 on every Linux this runs on

    /// <summary>User + system CPU time of <paramref name="pid"/> and its direct children.</summary>
    public static TimeSpan CpuTime(int pid) =>
        TimeSpan.FromSeconds(WithChildren(pid).Sum(p => Stat(p) is { } fields ? (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond : 0));

    /// <summary>Resident memory (VmRSS) of <paramref name="pid"/> and its direct children, in MB.</summary>
    public static double ResidentMb(int pid) => WithChildren(pid).Sum(ResidentMbOf);

    private static double ResidentMbOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static IEnumerable<int> WithChildren(int pid)
    {
        yield return pid;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var candidate) && Stat(candidate) is { } fields
                && int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
            {
                yield return candidate;
            }
        }
    }

    /// <summary>The fields of /proc/PID/stat after the command name (state first), or null when the process is gone.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
