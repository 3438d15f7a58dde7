namespace Twofold.Load;

/// <summary>The server's memory from /proc/&lt;pid&gt;/status (Linux), in MB; null without a pid.</summary>
internal static class ServerMemory
{
    public static double? PeakMb(int? pid) => Read(pid, "VmHWM:");

    public static double? CurrentMb(int? pid) => Read(pid, "VmRSS:");

    /// <summary>
    /// Resets the peak (VmHWM) to the current resident size (Linux ≥ 4.0, <c>clear_refs</c> "5"), so the next
    /// <see cref="PeakMb"/> covers only what follows; false where that is not allowed (another user's process).
    /// </summary>
    public static bool ResetPeak(int? pid)
    {
        if (pid is null)
        {
            return false;
        }

        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static double? Read(int? pid, string field)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/status"))
        {
            return null;
        }

        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kb is null ? null : double.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }
}
