namespace Twofold.BrowserTests.Infrastructure;

/// <summary>
/// The programs these tests use that we did not write. scripts/provision-browser.sh installs them;
/// plain <c>dotnet test</c> on a machine without them skips the tests that need them, naming what is
/// missing. Under scripts/test.sh (TWOFOLD_REQUIRE_BROWSER_TOOLS=1) nothing is skipped: a missing
/// tool then fails the test.
/// </summary>
public static class OutsideTools
{
    public const string Chromium = "chromium";
    public const string Zbarimg = "zbarimg";
    public const string Oathtool = "oathtool";
    public const string Node = "node";

    /// <summary>The npm package otpauth in interop/node_modules (installed by <c>npm ci</c>).</summary>
    public const string NpmOtpauth = "npm otpauth";

    public const string RequireVariable = "TWOFOLD_REQUIRE_BROWSER_TOOLS";

    /// <summary>Debian's Chromium; Playwright is pointed at it because a browser download is impossible here.</summary>
    public static string ChromiumPath => Path.Combine("/usr/bin", Chromium);

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    public static string InteropFolder => Path.Combine(RepositoryRoot.Path, "interop");

    public static bool IsAvailable(string tool) => tool switch
    {
        Chromium => File.Exists(ChromiumPath),
        NpmOtpauth => File.Exists(Path.Combine(InteropFolder, "node_modules", "otpauth", "package.json")) && FindOnPath(Node) is not null,
        _ => FindOnPath(tool) is not null,
    };

    /// <summary>Null when every tool is present, else why the test cannot run.</summary>
    public static string? MissingReason(IEnumerable<string> tools)
    {
        var missing = tools.Where(t => !IsAvailable(t)).ToList();
        return missing.Count == 0
            ? null
            : $"Missing {string.Join(", ", missing)}: run scripts/provision-browser.sh (as root) or scripts/test.sh.";
    }

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>
/// A fact that needs outside tools: skipped (with the reason) when one is missing, unless
/// <see cref="OutsideTools.Required"/> says they must be there.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        Tools = tools;
        if (!OutsideTools.Required && OutsideTools.MissingReason(tools) is { } reason)
        {
            Skip = reason;
        }
    }

    public IReadOnlyList<string> Tools { get; }
}

/// <summary>A theory that needs outside tools; see <see cref="ToolFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolTheoryAttribute : TheoryAttribute
{
    public ToolTheoryAttribute(params string[] tools)
    {
        Tools = tools;
        if (!OutsideTools.Required && OutsideTools.MissingReason(tools) is { } reason)
        {
            Skip = reason;
        }
    }

    public IReadOnlyList<string> Tools { get; }
}

/// <summary>Finds the repository (the folder holding Twofold.slnx) from the test assembly's folder.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Twofold.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Twofold.slnx not found above {AppContext.BaseDirectory}.");
    });

    public static string Path => Root.Value;
}
