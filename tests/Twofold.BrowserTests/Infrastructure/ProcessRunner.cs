using System.Diagnostics;

namespace Twofold.BrowserTests.Infrastructure;

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput.Trim();
}

/// <summary>Runs an outside program with arguments passed as a list (no shell), bounded in time.</summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start {program}: {e.Message}. {OutsideTools.MissingReason([program])}", e);
        }

        using var _ = process;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0} s.");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and asserts exit code 0, returning the trimmed standard output.</summary>
    public static async Task<string> RunCheckedAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var result = await RunAsync(program, arguments, workingDirectory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {result.ExitCode}: {result.StandardError.Trim()}");
        }

        return result.Output;
    }
}
