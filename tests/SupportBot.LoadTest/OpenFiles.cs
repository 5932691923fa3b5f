using System.Globalization;

namespace SupportBot.LoadTest;

/// <summary>
/// The open-file limit (<c>ulimit -n</c>) of this process, which a host it starts inherits: every
/// WebSocket is a descriptor in the generator and another in the host.
/// </summary>
/// <remarks>
/// The .NET runtime raises its soft limit to the hard one as it starts (on Linux), so only the hard
/// limit can be too low, and only outside the process can it be raised.
/// </remarks>
public static class OpenFiles
{
    /// <summary>Null when the limit is at least <paramref name="needed"/> (or unknown), else how to raise it.</summary>
    public static string? Check(long needed)
    {
        var line = File.Exists("/proc/self/limits") ? File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal)) : null;
        if (line is null)
        {
            return null;  // not Linux: the run fails clearly on its first refused socket
        }

        // "Max open files            20000                20000                files"
        var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var soft = Limit(fields[0]);
        var hard = Limit(fields[1]);
        Console.Error.WriteLine($"open files (ulimit -n): soft {fields[0]}, hard {fields[1]}; {needed} needed");
        return Math.Min(soft, hard) >= needed
            ? null
            : $"The open-file limit is {Math.Min(soft, hard)}, below the {needed} this run needs: raise the hard limit where the run starts "
              + $"(as root 'ulimit -n {needed}' in its shell, LimitNOFILE= in a systemd unit, nofile in /etc/security/limits.conf, or docker run --ulimit nofile={needed}:{needed}).";
    }

    private static long Limit(string field) => field == "unlimited" ? long.MaxValue : long.Parse(field, CultureInfo.InvariantCulture);
}
