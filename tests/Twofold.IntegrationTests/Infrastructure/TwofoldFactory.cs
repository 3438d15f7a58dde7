using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Twofold.Data;
using Twofold.Users;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>
/// The app in process for end-to-end tests: its own database (made by the migrations; SQLite, or
/// PostgreSQL when TEST_DB_PROVIDER=Postgres, see <see cref="TestDatabase"/>), a fake
/// clock, an SMTP sink that receives the outbox's mail, and captured logs. Use as a class or
/// collection fixture; create a unique operator per test (<see cref="CreateOperatorAsync"/>).
/// </summary>
public class TwofoldFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>
    /// Where the fake clock starts: the real time of this test run, floored to the minute (a TOTP step
    /// boundary). Not a fixed date: cookie expiries are computed from the app's clock but enforced by the
    /// HTTP client on the real one, so a fixed start date made "remembered for 2 days" expire in the test
    /// client once the calendar had moved on.
    /// </summary>
    public static readonly DateTimeOffset StartTime = FloorToMinute(DateTimeOffset.UtcNow);

    public const string DefaultPassword = "correct horse battery";

    private static int operatorCounter;
    private TestDatabase? database;
    private bool disposed;

    public FakeTimeProvider Time { get; } = new(StartTime);

    private static DateTimeOffset FloorToMinute(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    public SmtpSink Smtp { get; } = new();

    public LogSink Logs { get; } = new();

    /// <summary>This factory's database; set by <see cref="InitializeAsync"/>.</summary>
    public TestDatabase Database => database ?? throw new InvalidOperationException("Call InitializeAsync first.");

    /// <summary>The SQLite file; empty when the tests run on PostgreSQL.</summary>
    public string DatabasePath => Database.SqlitePath ?? string.Empty;

    /// <summary>Configuration the app sees; subclasses may change it in <see cref="AddSettings"/>.</summary>
    protected virtual string Environment => "Testing";

    /// <summary>
    /// True (default): the app runs on <see cref="Time"/>. A subclass returns false to keep the real
    /// clock, e.g. for browser tests whose codes come from oathtool, which reads the real time.
    /// </summary>
    protected virtual bool UseFakeClock => true;

    public async Task InitializeAsync()
    {
        database ??= await CreateDatabaseAsync();
        await Smtp.StartAsync();

        // Start the host now: migrations run and start-up errors show here, not in the first test.
        _ = Services;
    }

    /// <summary>The database for this factory; override to share one that the caller owns (see <see cref="OwnsDatabase"/>).</summary>
    protected virtual Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateAsync();

    /// <summary>False when the database is shared and outlives this factory.</summary>
    protected virtual bool OwnsDatabase => true;

    /// <summary>Settings for the app; override to change or add (call base first).</summary>
    protected virtual void AddSettings(IDictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Default"] = Database.ConnectionString;
        settings["Database:Provider"] = Database.Provider;
        settings["Smtp:Host"] = SmtpSink.Host;
        settings["Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture);
        settings["Smtp:Security"] = "None";
        settings["Smtp:PollSeconds"] = "0.1";
        settings["App:PublicBaseUrl"] = "http://localhost";
        settings["Security:FormPostsPerMinutePerIp"] = "100000";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);

        // UseSetting reaches the configuration that AddData and AddLogin read while registering services.
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        AddSettings(settings);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (UseFakeClock)
        {
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Time);
            });
        }
    }

    /// <summary>A client like a browser: keeps cookies, does not follow redirects, base http://localhost.</summary>
    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri("http://localhost"),
        });

    /// <summary>Runs <paramref name="action"/> with services of a fresh scope (one DbContext).</summary>
    public async Task WithScopeAsync(Func<IServiceProvider, Task> action)
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider);
    }

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public Task WithDbAsync(Func<TwofoldDbContext, Task> action) =>
        WithScopeAsync(sp => action(sp.GetRequiredService<TwofoldDbContext>()));

    public Task<T> WithDbAsync<T>(Func<TwofoldDbContext, Task<T>> action) =>
        WithScopeAsync(sp => action(sp.GetRequiredService<TwofoldDbContext>()));

    /// <summary>Creates an operator with a code no other test uses and returns the code.</summary>
    public async Task<string> CreateOperatorAsync(bool forceTwoFactor = false)
    {
        var code = $"T{Interlocked.Increment(ref operatorCounter)}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
        await WithScopeAsync(async sp =>
        {
            var result = await sp.GetRequiredService<UserAccounts>().CreateOperatorAsync(code, $"Test operator {code}");
            Assert.True(result.Succeeded, string.Join(" ", result.Errors));
            if (forceTwoFactor)
            {
                var db = sp.GetRequiredService<TwofoldDbContext>();
                await db.Operators.Where(o => o.NormalizedCode == code).ExecuteUpdateAsync(s => s.SetProperty(o => o.ForceTwoFactor, true));
            }
        });
        return code;
    }

    /// <summary>Creates a user through the app's own service (so forced operators mail a pairing link) and returns it.</summary>
    public Task<TwofoldUser> CreateUserAsync(
        string operatorCode, string login, string? email = null, string password = DefaultPassword, bool admin = false) =>
        WithScopeAsync(async sp =>
        {
            var accounts = sp.GetRequiredService<UserAccounts>();
            var result = await accounts.CreateUserAsync(operatorCode, login, email ?? $"{login}@{operatorCode.ToLowerInvariant()}.test", password, admin);
            Assert.True(result.Succeeded, string.Join(" ", result.Errors));
            return await accounts.FindUserAsync(operatorCode, login) ?? throw new InvalidOperationException("User not found after creation.");
        });

    public override async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        if (database is not null && OwnsDatabase)
        {
            await database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
