using System.Globalization;

namespace Twofold.Load;

/// <summary>"--name value" pairs and "--flag" switches after the mode word.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);

    public Options(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null)
                {
                    values[pending] = "true";
                }

                pending = arg[2..];
            }
            else if (pending is not null)
            {
                values[pending] = arg;
                pending = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }
        }

        if (pending is not null)
        {
            values[pending] = "true";
        }
    }

    public string Text(string name, string fallback) => values.GetValueOrDefault(name) ?? fallback;

    public string Required(string name) =>
        values.GetValueOrDefault(name) ?? throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Number(string name, double fallback) =>
        values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => values.TryGetValue(name, out var v) && v != "false";
}
