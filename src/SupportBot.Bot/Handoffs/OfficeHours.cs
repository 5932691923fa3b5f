using System.Globalization;

namespace SupportBot.Bot.Handoffs;

/// <summary>
/// When live chat is offered (<c>HelpDesk:OfficeHours</c>): one or more windows of days and hours,
/// separated by <c>;</c>, then an IANA time zone, for example <c>Mon-Fri 09:00-18:00 Asia/Seoul</c>
/// or <c>Mon-Fri 09:00-18:00; Sat 10:00-14:00 Europe/Berlin</c>. Days are <c>Mon</c> .. <c>Sun</c>,
/// ranges (<c>Mon-Fri</c>, <c>Fri-Mon</c>) and lists (<c>Mon,Wed,Fri</c>), or <c>Daily</c>; hours are
/// 24-hour <c>HH:mm</c>, the end exclusive (<c>24:00</c> allowed); an end before the start runs past
/// midnight into the next day (<c>Fri 22:00-02:00</c> is open on Saturday at 01:00).
/// </summary>
public sealed class OfficeHours
{
    public const string Example = "Mon-Fri 09:00-18:00 Asia/Seoul";

    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private readonly IReadOnlyList<Window> _windows;

    private OfficeHours(IReadOnlyList<Window> windows, TimeZoneInfo timeZone)
    {
        _windows = windows;
        TimeZone = timeZone;
    }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>Reads the setting; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static OfficeHours Parse(string text)
    {
        var trimmed = text.Trim();
        var zoneStart = trimmed.LastIndexOf(' ');
        if (zoneStart < 0)
        {
            throw new FormatException($"'{text}' has no time zone at the end; write it like '{Example}'.");
        }

        var timeZone = FindTimeZone(trimmed[(zoneStart + 1)..]);
        var windows = trimmed[..zoneStart]
            .Split(';', StringSplitOptions.TrimEntries)
            .Select(ParseWindow)
            .ToList();
        return new OfficeHours(windows, timeZone);
    }

    /// <summary>Whether live chat is open at <paramref name="now"/>.</summary>
    public bool IsOpen(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZone);
        var minute = (int)local.TimeOfDay.TotalMinutes;
        var today = local.DayOfWeek;
        var yesterday = (DayOfWeek)(((int)today + 6) % 7);
        return _windows.Any(w => w.Days.Contains(today) && minute >= w.Start && (w.End <= w.Start || minute < w.End))
            || _windows.Any(w => w.End <= w.Start && w.Days.Contains(yesterday) && minute < w.End);
    }

    private static TimeZoneInfo FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new FormatException($"'{id}' is not a time zone this machine knows; use an IANA name like Asia/Seoul or UTC (the tzdata package provides them).", ex);
        }
    }

    private static Window ParseWindow(string window)
    {
        var parts = window.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
        {
            throw new FormatException($"'{window}' is not days and hours; write each window like 'Mon-Fri 09:00-18:00'.");
        }

        var hours = parts[1].Split('-');
        if (hours.Length != 2)
        {
            throw new FormatException($"'{parts[1]}' is not a range of hours like 09:00-18:00.");
        }

        var (start, end) = (ParseMinute(hours[0]), ParseMinute(hours[1]));
        if (start == end || start == 24 * 60)
        {
            throw new FormatException($"'{parts[1]}' is an empty range of hours.");
        }

        return new Window(ParseDays(parts[0]), start, end);
    }

    private static HashSet<DayOfWeek> ParseDays(string days)
    {
        if (days.Equals("Daily", StringComparison.OrdinalIgnoreCase))
        {
            return [.. Enum.GetValues<DayOfWeek>()];
        }

        var set = new HashSet<DayOfWeek>();
        foreach (var item in days.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = item.Split('-');
            if (range.Length > 2)
            {
                throw new FormatException($"'{item}' is not a day or a range of days like Mon-Fri.");
            }

            var first = ParseDay(range[0]);
            var last = range.Length == 2 ? ParseDay(range[1]) : first;
            for (var day = first; ; day = (DayOfWeek)(((int)day + 1) % 7))
            {
                set.Add(day);
                if (day == last)
                {
                    break;
                }
            }
        }

        return set;
    }

    private static DayOfWeek ParseDay(string day)
    {
        var index = Array.FindIndex(DayNames, name => name.Equals(day, StringComparison.OrdinalIgnoreCase));
        return index >= 0
            ? (DayOfWeek)index
            : throw new FormatException($"'{day}' is not a day; use {string.Join(", ", DayNames.Skip(1).Append(DayNames[0]))} or Daily.");
    }

    private static int ParseMinute(string time)
    {
        if (time == "24:00")
        {
            return 24 * 60;
        }

        return TimeOnly.TryParseExact(time, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? (parsed.Hour * 60) + parsed.Minute
            : throw new FormatException($"'{time}' is not a time like 09:00 (24-hour HH:mm).");
    }

    /// <param name="Start">Minutes after midnight.</param>
    /// <param name="End">Minutes after midnight, exclusive; at or before the start: the next day.</param>
    private sealed record Window(HashSet<DayOfWeek> Days, int Start, int End);
}
