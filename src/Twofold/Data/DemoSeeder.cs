using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Twofold.Users;

namespace Twofold.Data;

/// <summary>
/// Development only: on first start with an empty database, creates operator DEMO with administrator
/// "admin" and prints the generated password once, so a newcomer can sign in straight away.
/// Runs after <see cref="DatabaseMigrator"/> (hosted services start in registration order).
/// </summary>
internal sealed class DemoSeeder(IServiceProvider services, IHostEnvironment environment, ILogger<DemoSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment())
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
        if (await db.Operators.AnyAsync(cancellationToken))
        {
            return;
        }

        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
        await accounts.CreateOperatorAsync("DEMO", "Demo operator", cancellationToken);
        var result = await accounts.CreateUserAsync("DEMO", "admin", "admin@demo.test", password, administrator: true, cancellationToken);
        if (result.Succeeded)
        {
            // Printed to the console on purpose, once: it is the only way to learn it.
            Console.WriteLine($"Demo operator created. Sign in with operator code DEMO, login admin, password {password}");
            logger.LogInformation(LogEvents.DemoSeeded, "Demo operator DEMO with administrator 'admin' created");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
