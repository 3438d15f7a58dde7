using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Twofold.Cli;
using Twofold.Data;
using Twofold.Totp;
using Twofold.Users;

namespace Twofold.UnitTests.Cli;

/// <summary>
/// Runs the CLI in-process on a temporary SQLite file, which it reaches through a host argument after
/// "--" (<see cref="TempSqliteDatabase.HostArg"/>), exactly as an administrator would pass one.
/// </summary>
public sealed class AdminCliTests : IDisposable
{
    private const string Password = "correct horse battery staple";

    private readonly TempSqliteDatabase database = new();
    private readonly StringWriter output = new();
    private readonly StringWriter error = new();

    public void Dispose() => database.Dispose();

    private Task<int> RunAsync(params string[] args) => AdminCli.RunAsync([.. args, "--", database.HostArg], output, error);

    private async Task AddOperatorAndUserAsync(string login = "jdoe")
    {
        Assert.Equal(0, await RunAsync("operator", "add", "--code", "ACME", "--name", "Acme Air"));
        Assert.Equal(0, await RunAsync("user", "add", "--operator", "ACME", "--login", login, "--email", "jdoe@acme.test", "--password", Password));
    }

    [Theory]
    [InlineData(new[] { "operator", "add" }, true)]
    [InlineData(new[] { "user" }, true)]
    [InlineData(new[] { "db", "migrate" }, true)]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://localhost:5000" }, false)]
    [InlineData(new[] { "Operator" }, false)]
    public void IsCommand_OnlyForOperatorUserAndDb(string[] args, bool expected) => Assert.Equal(expected, AdminCli.IsCommand(args));

    [Fact]
    public async Task DbMigrate_AppliesAllMigrations()
    {
        Assert.Equal(0, await RunAsync("db", "migrate"));

        await using var db = database.CreateContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        // The newest migration, whichever it is: a new migration must not break this test.
        Assert.Contains(db.Database.GetMigrations().Last(), output.ToString(), StringComparison.Ordinal);
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task OperatorAdd_CreatesOperator()
    {
        var exit = await RunAsync("operator", "add", "--code", "acme", "--name", "Acme Air");

        Assert.Equal(0, exit);
        Assert.Equal("Operator ACME created." + Environment.NewLine, output.ToString());
        await using var db = database.CreateContext();
        var op = await db.Operators.SingleAsync();
        Assert.Equal(("ACME", "ACME", "Acme Air"), (op.Code, op.NormalizedCode, op.Name));
    }

    [Fact]
    public async Task OperatorAdd_Duplicate_FailsWithReason()
    {
        Assert.Equal(0, await RunAsync("operator", "add", "--code", "ACME", "--name", "Acme Air"));

        Assert.Equal(1, await RunAsync("operator", "add", "--code", "acme", "--name", "Other"));

        Assert.Contains("ACME already exists", error.ToString(), StringComparison.Ordinal);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Operators.CountAsync());
    }

    [Fact]
    public async Task UserAdd_CreatesUserWhosePasswordVerifies()
    {
        Assert.Equal(0, await RunAsync("operator", "add", "--code", "ACME", "--name", "Acme Air"));

        var exit = await RunAsync(
            "user", "add", "--operator", "acme", "--login", "jdoe", "--email", "jdoe@acme.test", "--password", Password, "--admin");

        Assert.Equal(0, exit);
        Assert.Contains("User ACME/jdoe created as administrator.", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output.ToString() + error.ToString(), StringComparison.Ordinal);

        await using var app = database.BuildApp();
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserAccounts>().FindUserAsync("ACME", "jdoe");
        Assert.NotNull(user);
        Assert.Equal("jdoe@acme.test", user.Email);
        Assert.True(user.IsAdministrator);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TwofoldUser>>();
        Assert.True(await users.CheckPasswordAsync(user, Password));
        Assert.False(await users.CheckPasswordAsync(user, Password + "!"));
    }

    [Fact]
    public async Task UserAdd_WithoutAdminFlag_CreatesOrdinaryUser()
    {
        await AddOperatorAndUserAsync();

        await using var db = database.CreateContext();
        Assert.False((await db.Users.SingleAsync()).IsAdministrator);
        Assert.Contains("User ACME/jdoe created.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserAdd_DuplicateLogin_Fails()
    {
        await AddOperatorAndUserAsync();

        var exit = await RunAsync("user", "add", "--operator", "ACME", "--login", "JDOE", "--email", "other@acme.test", "--password", Password);

        Assert.Equal(1, exit);
        Assert.Contains("Login 'JDOE' already exists in operator ACME.", error.ToString(), StringComparison.Ordinal);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Users.CountAsync());
    }

    [Fact]
    public async Task UserAdd_BadEmail_Fails()
    {
        Assert.Equal(0, await RunAsync("operator", "add", "--code", "ACME", "--name", "Acme Air"));

        var exit = await RunAsync("user", "add", "--operator", "ACME", "--login", "jdoe", "--email", "jdoe", "--password", Password);

        Assert.Equal(1, exit);
        Assert.Contains(AccountRules.EmailError, error.ToString(), StringComparison.Ordinal);
        await using var db = database.CreateContext();
        Assert.Equal(0, await db.Users.CountAsync());
    }

    [Fact]
    public async Task UserAdd_ShortPassword_Fails()
    {
        Assert.Equal(0, await RunAsync("operator", "add", "--code", "ACME", "--name", "Acme Air"));

        Assert.Equal(1, await RunAsync("user", "add", "--operator", "ACME", "--login", "jdoe", "--email", "jdoe@acme.test", "--password", "short"));

        Assert.NotEmpty(error.ToString());
        Assert.DoesNotContain("short", output.ToString(), StringComparison.Ordinal);
        await using var db = database.CreateContext();
        Assert.Equal(0, await db.Users.CountAsync());
    }

    [Fact]
    public async Task UserAdd_UnknownOperator_Fails()
    {
        var exit = await RunAsync("user", "add", "--operator", "NOPE", "--login", "jdoe", "--email", "jdoe@acme.test", "--password", Password);

        Assert.Equal(1, exit);
        Assert.Contains("Operator 'NOPE' does not exist.", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("operator")]
    [InlineData("operator delete --code ACME")]
    [InlineData("operator add --code ACME")]
    [InlineData("operator add --code ACME --name")]
    [InlineData("user add --operator ACME --login jdoe")]
    [InlineData("user reset-2fa --login jdoe")]
    [InlineData("db migrate --force")]
    public async Task UsageError_ExitsWithTwoAndPrintsToStderr(string commandLine)
    {
        var exit = await RunAsync(commandLine.Split(' '));

        Assert.Equal(AdminCli.UsageError, exit);
        Assert.Contains("Usage:", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
        // A command line that does not parse never reaches the database.
        Assert.False(File.Exists(database.FilePath));
    }

    [Fact]
    public async Task ResetTwoFactor_RemovesAuthenticatorsAndEndsSessions()
    {
        await AddOperatorAndUserAsync();
        string oldStamp;
        await using (var app = database.BuildApp())
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
            var user = await db.Users.SingleAsync();
            user.CodeFailedCount = 3;
            oldStamp = user.SecurityStamp!;
            db.Authenticators.Add(new Authenticator
            {
                UserId = user.Id,
                ProtectedSecret = scope.ServiceProvider.GetRequiredService<AuthenticatorSecrets>().Protect(TotpVerifier.NewSecret()),
                Status = AuthenticatorStatus.Paired,
            });
            await db.SaveChangesAsync();
        }

        var exit = await RunAsync("user", "reset-2fa", "--operator", "acme", "--login", "jdoe");

        Assert.Equal(0, exit);
        Assert.Contains("ACME/jdoe", output.ToString(), StringComparison.Ordinal);
        await using var check = database.CreateContext();
        Assert.Equal(0, await check.Authenticators.CountAsync());
        var stored = await check.Users.SingleAsync();
        Assert.NotEqual(oldStamp, stored.SecurityStamp);
        Assert.Equal(0, stored.CodeFailedCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResetTwoFactor_TwoFactorUser_GetsFreshPairingLink(bool midPairing)
    {
        await AddOperatorAndUserAsync();
        await using (var app = database.BuildApp())
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
            var protect = scope.ServiceProvider.GetRequiredService<AuthenticatorSecrets>();
            var user = await db.Users.SingleAsync();
            user.TwoFactorEnabled = true;
            db.Authenticators.Add(new Authenticator { UserId = user.Id, ProtectedSecret = protect.Protect(TotpVerifier.NewSecret()), Status = AuthenticatorStatus.Paired });
            if (midPairing)
            {
                // A second phone was being paired when the first was lost.
                db.Authenticators.Add(new Authenticator { UserId = user.Id, ProtectedSecret = protect.Protect(TotpVerifier.NewSecret()), Status = AuthenticatorStatus.Pending });
            }

            await db.SaveChangesAsync();
        }

        var exit = await RunAsync("user", "reset-2fa", "--operator", "ACME", "--login", "jdoe");

        Assert.True(exit == 0, error.ToString());
        await using var check = database.CreateContext();
        var remaining = await check.Authenticators.ToListAsync();
        Assert.Equal(AuthenticatorStatus.Pending, Assert.Single(remaining).Status);
        var token = Assert.Single(await check.PairingTokens.Where(t => t.RevokedAt == null).ToListAsync());
        Assert.Equal(remaining[0].Id, token.AuthenticatorId);
        Assert.Equal(1, await check.Outbox.CountAsync());
    }

    [Fact]
    public async Task ResetTwoFactor_UnknownUser_Fails()
    {
        await AddOperatorAndUserAsync();

        Assert.Equal(1, await RunAsync("user", "reset-2fa", "--operator", "ACME", "--login", "nobody"));

        Assert.Contains("ACME/nobody does not exist", error.ToString(), StringComparison.Ordinal);
    }
}
