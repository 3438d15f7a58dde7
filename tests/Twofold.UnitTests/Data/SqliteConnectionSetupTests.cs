using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.Web;

namespace Twofold.UnitTests.Data;

/// <summary>Every SQLite connection of the app waits inside SQLite for a busy lock and uses the configured sync mode.</summary>
public sealed class SqliteConnectionSetupTests : IDisposable
{
    private readonly TempSqliteDatabase database = new();

    public void Dispose() => database.Dispose();

    private async Task<(long BusyTimeout, long Synchronous)> PragmasAsync(params string[] args)
    {
        var builder = WebApplication.CreateBuilder([database.HostArg, .. args]);
        builder.AddTwofold();
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
        await db.Database.OpenConnectionAsync();
        try
        {
            return (await PragmaAsync(db, "busy_timeout"), await PragmaAsync(db, "synchronous"));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> PragmaAsync(TwofoldDbContext db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Default_WaitsForTheLockInsideSqlite_AndSyncsEveryCommit()
    {
        var (busy, sync) = await PragmasAsync();

        Assert.Equal(30_000, busy); // the connection's Default Timeout, in ms
        Assert.Equal(2, sync); // FULL
    }

    [Fact]
    public async Task Normal_IsAppliedWhenConfigured()
    {
        var (_, sync) = await PragmasAsync("--Database:SqliteSynchronous=Normal");

        Assert.Equal(1, sync); // NORMAL
    }
}
