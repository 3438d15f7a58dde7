using System.Data.Common;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Twofold.Data;
using Twofold.Totp;
using Twofold.Users;
using Twofold.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Twofold.Load;

/// <summary>
/// Creates N users with known secrets directly in the database (bulk, not via the UI). Every user
/// shares one password hash, computed once with the requested PBKDF2 iteration count: hashing
/// 100,000 passwords would take over an hour, and verification costs the same either way.
/// </summary>
internal static class Seeder
{
    private const int Chunk = 2000;

    public static async Task<int> RunAsync(Options o)
    {
        var users = o.Int("users", 10_000);
        var iterations = o.Int("iterations", 100_000);
        var db = o.Required("db");
        var provider = o.Text("provider", "Sqlite");
        var watch = Stopwatch.StartNew();
        if (o.Text("app", "twofold") == "template")
        {
            await SeedTemplateAsync(provider, db, users, iterations);
        }
        else
        {
            await SeedTwofoldAsync(provider, db, users, iterations, o.Text("operator", LoadUsers.OperatorCode), o.Flag("unpaired"));
        }

        Console.WriteLine($"seeded {users:N0} users ({iterations:N0}-iteration hashes) in {watch.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static string HashOnce(int iterations) =>
        new PasswordHasher<object>(Microsoft.Extensions.Options.Options.Create(new PasswordHasherOptions { IterationCount = iterations }))
            .HashPassword(new object(), LoadUsers.Password);

    /// <summary>Through the app's own services (same Data Protection key ring, in the database), so the server can read the secrets.</summary>
    private static async Task SeedTwofoldAsync(string provider, string connection, int count, int iterations, string code, bool unpaired)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:Default"] = connection,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddTwofold();
        await using var app = builder.Build();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
            await db.Database.MigrateAsync();
            var result = await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateOperatorAsync(code, $"Load test {code}");
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(string.Join(" ", result.Errors));
            }
        }

        var hash = HashOnce(iterations);
        var secrets = app.Services.GetRequiredService<AuthenticatorSecrets>();
        var now = DateTimeOffset.UtcNow;
        int operatorId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
            operatorId = await db.Operators.Where(o => o.NormalizedCode == code).Select(o => o.Id).SingleAsync();

            // An administrator without two-factor, for the force and /users measurements.
            db.Users.Add(NewUser(operatorId, code, "admin", "admin@load.test", hash, now, admin: true, twoFactor: false));
            await db.SaveChangesAsync();
        }

        for (var start = 0; start < count; start += Chunk)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(count, start + Chunk); i++)
            {
                var user = NewUser(operatorId, code, LoadUsers.Login(i), LoadUsers.Email(i), hash, now, admin: false, twoFactor: !unpaired);
                db.Users.Add(user);
                if (!unpaired)
                {
                    db.Authenticators.Add(new Authenticator
                    {
                        UserId = user.Id,
                        ProtectedSecret = secrets.Protect(LoadUsers.Secret(i)),
                        Status = AuthenticatorStatus.Paired,
                        CreatedAt = now,
                        PairedAt = now,
                    });
                }
            }

            await db.SaveChangesAsync();
        }
    }

    private static TwofoldUser NewUser(int operatorId, string code, string login, string email, string hash, DateTimeOffset now, bool admin, bool twoFactor)
    {
        var userName = TwofoldUser.ComposeUserName(code, login);
        return new TwofoldUser
        {
            Id = Guid.NewGuid(),
            OperatorId = operatorId,
            Login = login,
            UserName = userName,
            NormalizedUserName = userName.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = true,
            PasswordHash = hash,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
            LockoutEnabled = true,
            TwoFactorEnabled = twoFactor,
            IsAdministrator = admin,
            CreatedAt = now,
        };
    }

    /// <summary>The stock template's AspNetUsers (user name = email) with AuthenticatorKey and TwoFactorEnabled, by plain SQL.</summary>
    private static async Task SeedTemplateAsync(string provider, string connection, int count, int iterations)
    {
        var hash = HashOnce(iterations);
        await using DbConnection db = provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
            ? new NpgsqlConnection(connection)
            : new SqliteConnection(connection);
        await db.OpenAsync();
        for (var start = 0; start < count; start += Chunk)
        {
            await using var tx = await db.BeginTransactionAsync();
            await using var user = Command(db, tx,
                """
                INSERT INTO "AspNetUsers" ("Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash",
                    "SecurityStamp", "ConcurrencyStamp", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
                VALUES (@id, @name, @nname, @name, @nname, TRUE, @hash, @stamp, @cstamp, FALSE, TRUE, TRUE, 0)
                """,
                "id", "name", "nname", "hash", "stamp", "cstamp");
            await using var token = Command(db, tx,
                """INSERT INTO "AspNetUserTokens" ("UserId", "LoginProvider", "Name", "Value") VALUES (@id, '[AspNetUserStore]', 'AuthenticatorKey', @key)""",
                "id", "key");
            for (var i = start; i < Math.Min(count, start + Chunk); i++)
            {
                var id = Guid.NewGuid().ToString();
                var email = LoadUsers.Email(i);
                Set(user, id, email, email.ToUpperInvariant(), hash, Guid.NewGuid().ToString("N").ToUpperInvariant(), Guid.NewGuid().ToString());
                await user.ExecuteNonQueryAsync();
                Set(token, id, LoadUsers.Base32(LoadUsers.Secret(i)));
                await token.ExecuteNonQueryAsync();
            }

            await tx.CommitAsync();
        }
    }

    private static DbCommand Command(DbConnection db, DbTransaction tx, string sql, params string[] names)
    {
        var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in names)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = string.Empty;
            command.Parameters.Add(p);
        }

        return command;
    }

    private static void Set(DbCommand command, params string[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }
}
