using System.CommandLine;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using Twofold.Data;
using Twofold.Users;
using Twofold.Web;

namespace Twofold.Cli;

/// <summary>What a command's body gets: services of one scope, the writers and the cancellation token.</summary>
internal sealed record CliContext(IServiceProvider Services, TextWriter Output, TextWriter Error, CancellationToken Cancellation)
{
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Prints the confirmation on stdout, or every validation error on stderr.</summary>
    public int Report(AccountResult result, string confirmation)
    {
        if (!result.Succeeded)
        {
            foreach (var message in result.Errors)
            {
                Error.WriteLine(message);
            }

            return AdminCli.Failed;
        }

        Output.WriteLine(confirmation);
        return AdminCli.Succeeded;
    }

    public int Fail(string message)
    {
        Error.WriteLine(message);
        return AdminCli.Failed;
    }
}

/// <summary>
/// Builds the web app's services (same configuration, same <see cref="TwofoldApp.AddTwofold"/>) without
/// starting the host: no Kestrel and no hosted services, so neither the demo seeder nor the mail sender runs.
/// </summary>
internal sealed class CliHost(string[] hostArgs)
{
    public async Task<int> RunAsync(ParseResult parseResult, Func<CliContext, Task<int>> command, CancellationToken ct)
    {
        var builder = WebApplication.CreateBuilder(hostArgs);
        // Lowest precedence, so appsettings.json and the environment still win: without them (binary run
        // from another directory) EF Core would print every migration statement around the confirmation.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new("Logging:LogLevel:Microsoft.EntityFrameworkCore", nameof(LogLevel.Warning))],
        });
        // stdout carries only the one-line confirmation, so scripts can use it; logs go to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddTwofold();

        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        // DatabaseMigrator is a hosted service and does not run here, so every command migrates first.
        await DatabaseMigrator.MigrateAsync(scope.ServiceProvider.GetRequiredService<TwofoldDbContext>(), ct);

        var invocation = parseResult.InvocationConfiguration;
        return await command(new CliContext(scope.ServiceProvider, invocation.Output, invocation.Error, ct));
    }
}
