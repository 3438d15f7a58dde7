using Microsoft.Playwright;

namespace Twofold.BrowserTests.Infrastructure;

/// <summary>One app on Kestrel and one headless Debian Chromium for every browser test (run one at a time).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;

    public KestrelFactory App { get; } = new();

    public IBrowser Browser => browser ?? throw new InvalidOperationException(
        $"Chromium is not running. {OutsideTools.MissingReason([OutsideTools.Chromium])}");

    public async Task InitializeAsync()
    {
        await App.InitializeAsync();

        // Without the tools the tests are skipped (ToolFact); do not fail the fixture for them.
        if (OutsideTools.IsAvailable(OutsideTools.Chromium))
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = OutsideTools.ChromiumPath,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync"],
            });
        }
    }

    /// <summary>A fresh browser profile (own cookies), as a second person on another computer.</summary>
    public async Task<BrowserSession> NewSessionAsync(string testName, Xunit.Abstractions.ITestOutputHelper output, bool javaScript = true) =>
        await BrowserSession.StartAsync(Browser, App.BaseAddress, testName, output, javaScript);

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        await App.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
