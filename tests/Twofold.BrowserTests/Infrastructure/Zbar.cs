namespace Twofold.BrowserTests.Infrastructure;

/// <summary>zbarimg (Debian zbar-tools): reads the QR code from a screenshot the way a phone camera would.</summary>
public static class Zbar
{
    public static async Task<string> DecodeAsync(string pngPath)
    {
        var result = await ProcessRunner.RunAsync(OutsideTools.Zbarimg, ["--raw", "-q", pngPath]);
        Assert.True(result.ExitCode == 0, $"zbarimg found no code in {pngPath} (exit {result.ExitCode}): {result.StandardError.Trim()}");
        return result.Output;
    }
}
