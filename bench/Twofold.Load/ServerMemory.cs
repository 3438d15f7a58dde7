namespace Twofold.Load;

/// <summary>The server's memory from /proc/&lt;pid&gt;/status (Linux), in MB; null without a pid.</summary>
internal static class ServerMemory
{
    public static double? PeakMb(int? pid) => Read(pid, "VmHWM:");

    public static double? CurrentMb(int? pid) => Read(pid, "VmRSS:");

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
