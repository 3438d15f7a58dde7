using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Totp;

namespace Twofold.IntegrationTests.Nodes;

/// <summary>
/// Two real nodes (A and B) sharing one fresh PostgreSQL database and one SMTP sink, plus the app in
/// process (<see cref="Seeder"/>, no mail delivery) to make users and read state through the app's
/// own services. Without TEST_PG_CONNECTION nothing starts (the tests are skipped).
/// </summary>
public sealed class TwoNodeCluster : IAsyncLifetime
{
    private TestDatabase? database;

    public SmtpSink Smtp { get; } = new();

    public NodeProcess A { get; private set; } = null!;

    public NodeProcess B { get; private set; } = null!;

    /// <summary>The app in process on the same database: creates users, reads rows.</summary>
    public SeedFactory Seeder { get; private set; } = null!;

    /// <summary>How long starting the database and both nodes took.</summary>
    public TimeSpan StartDuration { get; private set; }

    public async Task InitializeAsync()
    {
        if (TestDatabase.PostgresServer is null)
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        database = await TestDatabase.CreatePostgresAsync();
        await Smtp.StartAsync();

        // The in-process app migrates first and creates the Data Protection key, so both nodes
        // start on a ready schema and one key ring (as after the first deployment).
        Seeder = new SeedFactory(database);
        await Seeder.InitializeAsync();

        var portA = NodeProcess.FreePort();
        var portB = NodeProcess.FreePort();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Default"] = database.ConnectionString,
            ["Database:Provider"] = "Postgres",
            ["Smtp:Host"] = SmtpSink.Host,
            ["Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Smtp:PollSeconds"] = "0.2",
            // Links in mails point at node A: "pair on A, sign in on B".
            ["App:PublicBaseUrl"] = $"http://127.0.0.1:{portA}",
            ["Security:FormPostsPerMinutePerIp"] = "100000",
        };
        var nodes = await Task.WhenAll(NodeProcess.StartAsync("A", portA, settings), NodeProcess.StartAsync("B", portB, settings));
        (A, B) = (nodes[0], nodes[1]);
        StartDuration = watch.Elapsed;
    }

    /// <summary>A client for one node; give two clients the same container to be one browser behind a load balancer.</summary>
    public static HttpClient Client(NodeProcess node, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() })
        {
            BaseAddress = node.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>A user with two-factor on and a paired authenticator whose secret the test knows.</summary>
    public async Task<(TestUser User, byte[] Secret)> CreatePairedUserAsync(string operatorCode)
    {
        var login = "n" + Guid.NewGuid().ToString("N")[..10];
        var user = new TestUser(operatorCode, login, $"{login}@{operatorCode.ToLowerInvariant()}.test", TwofoldFactory.DefaultPassword);
        var created = await Seeder.CreateUserAsync(operatorCode, login, user.Email, user.Password);
        var secret = TotpVerifier.NewSecret();
        await Seeder.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<TwofoldDbContext>();
            db.Authenticators.Add(new Authenticator
            {
                UserId = created.Id,
                ProtectedSecret = sp.GetRequiredService<AuthenticatorSecrets>().Protect(secret),
                Status = AuthenticatorStatus.Paired,
                CreatedAt = DateTimeOffset.UtcNow,
                PairedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            await db.Users.Where(u => u.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true));
        });
        user.Secret = secret;
        return (user, secret);
    }

    public Task<TwofoldUser> UserAsync(TestUser user) =>
        Seeder.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.UserName == TwofoldUser.ComposeUserName(user.OperatorCode, user.Login)));

    /// <summary>The code a phone shows now: the nodes use the real clock.</summary>
    public static string CodeNow(byte[] secret) =>
        Rfc6238.ComputeCode(secret, Rfc6238.StepAt(DateTimeOffset.UtcNow)).ToString("D6", CultureInfo.InvariantCulture);

    public async Task DisposeAsync()
    {
        if (database is null)
        {
            return;
        }

        foreach (var node in new[] { A, B })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        if (Seeder is not null)
        {
            await Seeder.DisposeAsync();
        }

        await Smtp.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary>The in-process app on the cluster's database; delivers no mail (the nodes do).</summary>
    public sealed class SeedFactory(TestDatabase shared) : TwofoldFactory
    {
        protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(shared);

        protected override bool OwnsDatabase => false;

        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            settings["Smtp:Host"] = string.Empty;
        }
    }
}
