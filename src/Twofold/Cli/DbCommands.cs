using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Twofold.Data;

namespace Twofold.Cli;

/// <summary><c>db migrate</c>: every command migrates first (see <see cref="CliHost"/>), so this one only reports.</summary>
internal static class DbCommands
{
    public static Command Create(CliHost host)
    {
        var migrate = new Command("migrate", "Apply pending database migrations.");
        migrate.SetAction((parse, ct) => host.RunAsync(parse, async cli =>
        {
            var applied = (await cli.Get<TwofoldDbContext>().Database.GetAppliedMigrationsAsync(cli.Cancellation)).ToList();
            cli.Output.WriteLine($"Database up to date: {applied.Count} migration(s) applied, latest {applied.LastOrDefault() ?? "none"}.");
            return AdminCli.Succeeded;
        }, ct));

        return new Command("db", "Manage the database.") { migrate };
    }
}
