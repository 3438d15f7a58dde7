using System.Globalization;

namespace Twofold.Load;

/// <summary>
/// CPU seconds used by a process (and optionally its children) from /proc (Linux). On a shared 2-core machine
/// requests per second move with the neighbours' load; CPU time per sign-in moves much less, so the run reports both.
/// </summary>
internal static class ProcessCpu
{
    // USER_HZ: 100 on every Linux the project runs on (the kernel's ABI fixes it for /proc).
    private const double TicksPerSecond = 100;

    /// <summary>The process's own CPU time; with <paramref name="tree"/> also that of its live children and of
    /// the children it has reaped (a PostgreSQL postmaster and its backends).</summary>
    public static double? Seconds(int? pid, bool tree = false)
    {
        if (pid is null || Fields(pid.Value) is not { } own)
        {
            return null;
        }

        var ticks = own.UTime + own.STime;
        if (tree)
        {
            ticks += own.CUTime + own.CSTime;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var child) && Fields(child) is { } f && f.ParentPid == pid)
                {
                    ticks += f.UTime + f.STime + f.CUTime + f.CSTime;
                }
            }
        }

        return ticks / TicksPerSecond;
    }

    private static (int ParentPid, long UTime, long STime, long CUTime, long CSTime)? Fields(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ... utime stime cutime cstime ...": comm may contain spaces, so split after ')'.
        var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long L(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
        return (int.Parse(f[1], CultureInfo.InvariantCulture), L(11), L(12), L(13), L(14));
    }
}
