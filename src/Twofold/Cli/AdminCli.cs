using System.CommandLine;

namespace Twofold.Cli;

/// <summary>
/// The admin commands of the same executable: operator add, user add, user reset-2fa, db migrate.
/// Arguments after a lone <c>--</c> are host settings passed to <c>WebApplication.CreateBuilder</c>, e.g.
/// <c>twofold db migrate -- --ConnectionStrings:Default="Data Source=/srv/twofold.db"</c>; environment
/// variables (<c>ConnectionStrings__Default</c>) and appsettings.json apply exactly as for the web app.
/// Exit codes: 0 done, 1 refused or failed (reasons on stderr), 2 command line not understood (usage on stderr).
/// </summary>
internal static class AdminCli
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int UsageError = 2;

    private const string HostArgsSeparator = "--";

    private static readonly string[] Commands = ["operator", "user", "db"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0], StringComparer.Ordinal);

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs one command; tests pass their own writers and a temporary database after <c>--</c>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var separator = Array.IndexOf(args, HostArgsSeparator);
        var commandArgs = separator < 0 ? args : args[..separator];
        var host = new CliHost(separator < 0 ? [] : args[(separator + 1)..]);

        var root = new RootCommand("Twofold administration. Host settings may follow a lone '--'.")
        {
            OperatorCommands.Create(host),
            UserCommands.Create(host),
            DbCommands.Create(host),
        };
        var parsed = root.Parse(commandArgs);
        if (parsed.Errors.Count > 0)
        {
            // System.CommandLine writes help to Output; for a usage error it belongs on stderr with the errors.
            await parsed.InvokeAsync(new InvocationConfiguration { Output = error, Error = error }, ct);
            return UsageError;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
    }
}
