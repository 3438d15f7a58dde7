using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Twofold.Data;
using Twofold.Web;

namespace Twofold.UnitTests;

/// <summary>
/// A real SQLite file in the temp folder, one per test, deleted afterwards. Pooling is off so no
/// pooled connection keeps the file open (and no global ClearAllPools disturbs parallel tests).
/// </summary>
internal sealed class TempSqliteDatabase : IDisposable
{
    public string FilePath { get; } = Path.Combine(Path.GetTempPath(), $"twofold-test-{Guid.NewGuid():N}.db");

    public string ConnectionString => $"Data Source={FilePath};Pooling=False";

    /// <summary>
    /// A host argument for WebApplication.CreateBuilder (the command-line configuration provider):
    /// the admin CLI takes it after a lone "--", the same way an administrator would.
    /// </summary>
    public string HostArg => $"--ConnectionStrings:Default={ConnectionString}";

    public SqliteTwofoldDbContext CreateContext() =>
        new(new DbContextOptionsBuilder<SqliteTwofoldDbContext>().UseSqlite(ConnectionString).Options);

    /// <summary>The web app's services on this database, never started (as the CLI does it).</summary>
    public WebApplication BuildApp()
    {
        var builder = WebApplication.CreateBuilder([HostArg]);
        builder.AddTwofold();
        return builder.Build();
    }

    public void Dispose()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(FilePath + suffix);
        }
    }
}
