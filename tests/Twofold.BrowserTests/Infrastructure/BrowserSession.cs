using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Twofold.BrowserTests.Infrastructure;

/// <summary>
/// One person's browser window: its own cookies, screenshots numbered per step under
/// TestResults/screenshots/&lt;test&gt;/, and a record of console errors (CSP violations and script errors show there).
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly string folder;
    private readonly ITestOutputHelper output;
    private readonly List<string> consoleErrors = [];
    private int shot;

    private BrowserSession(IBrowserContext context, IPage page, string folder, ITestOutputHelper output)
    {
        this.context = context;
        Page = page;
        this.folder = folder;
        this.output = output;
        page.Console += (_, message) =>
        {
            // HTTP error statuses (a refused code answers 401, there is no favicon) are logged as
            // "Failed to load resource"; those are expected. Anything else (a CSP violation, a script error) is not.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                lock (consoleErrors)
                {
                    consoleErrors.Add($"{page.Url}: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (consoleErrors)
            {
                consoleErrors.Add($"{page.Url}: {error}");
            }
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> ConsoleErrors
    {
        get
        {
            lock (consoleErrors)
            {
                return [.. consoleErrors];
            }
        }
    }

    public static string ScreenshotRoot =>
        Environment.GetEnvironmentVariable("TWOFOLD_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepositoryRoot.Path, "TestResults", "screenshots");

    public static async Task<BrowserSession> StartAsync(IBrowser browser, Uri baseAddress, string name, ITestOutputHelper output, bool javaScript = true)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = javaScript,
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1000, Height = 800 },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var folder = Path.Combine(ScreenshotRoot, name);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        output.WriteLine($"Screenshots: {folder}");
        return new BrowserSession(context, page, folder, output);
    }

    /// <summary>Saves a full-page screenshot named after the step; returns its path.</summary>
    public async Task<string> ScreenshotAsync(string step)
    {
        var path = NextPath(step);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Saves a screenshot of one element with a white margin (the quiet zone a scanner needs).</summary>
    public async Task<string> ScreenshotOfAsync(ILocator element, string step, int margin = 24)
    {
        var box = await element.BoundingBoxAsync() ?? throw new InvalidOperationException($"{step}: element not visible.");
        var path = NextPath(step);
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = path,
            Clip = new Clip { X = Math.Max(0, box.X - margin), Y = Math.Max(0, box.Y - margin), Width = box.Width + (2 * margin), Height = box.Height + (2 * margin) },
        });
        return path;
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();

    private string NextPath(string step)
    {
        var number = Interlocked.Increment(ref shot).ToString("00", CultureInfo.InvariantCulture);
        var path = Path.Combine(folder, $"{number}-{step}.png");
        output.WriteLine($"  step {number}: {step}");
        return path;
    }
}
