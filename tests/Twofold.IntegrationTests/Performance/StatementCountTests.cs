using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Login;

namespace Twofold.IntegrationTests.Performance;

/// <summary>
/// The SQL statements each sign-in request sends, counted (docs/performance.md, "CPU per sign-in"): the load
/// figures depend on them, and an added query on this path is easy to miss in review and invisible in the
/// functional tests. Counts, not timings: deterministic on both providers.
/// </summary>
public sealed class StatementCountTests(StatementCountTests.CountingFactory factory) : IClassFixture<StatementCountTests.CountingFactory>
{
    private const string Writer = "accepted-code writer";

    private readonly UserStories stories = new(factory);

    [Fact]
    public async Task SignInWithCode_SendsTheMeasuredStatementsPerRequest()
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        await stories.PairAsync(user, mail);
        stories.NextStep();
        var browser = stories.NewBrowser();

        factory.Commands.Clear();
        var dialog = await UserStories.SubmitPasswordAsync(browser, user);
        var signedIn = await UserStories.SubmitCodeAsync(dialog, stories.CodeNow(user));
        Assert.True(signedIn.HasButton("Log out"));

        var perRequest = factory.Commands.GroupBy(c => c.Request).ToDictionary(g => g.Key, g => g.Select(c => c.Sql).ToList());
        string Describe(string request) => $"{request}: {string.Join(" | ", perRequest.GetValueOrDefault(request) ?? [])}";

        Assert.False(perRequest.ContainsKey("GET /login"), Describe("GET /login"));
        // User by name with its operator and "has a paired device"; the answer is the code dialog itself.
        Assert.True(dialog.IsCodeDialog, dialog.Text);
        Assert.True(perRequest.GetValueOrDefault("POST /login")?.Count == 1, Describe("POST /login"));
        Assert.EndsWith("/login", dialog.Url, StringComparison.Ordinal); // no redirect to /login/two-factor
        Assert.False(perRequest.ContainsKey("GET /login/two-factor"), Describe("GET /login/two-factor"));
        // Pending user with its operator and paired devices, then the replay guard's UPDATE and the audit INSERT:
        // on SQLite two statements on the accepted-code writer thread (group commit, its own BEGIN IMMEDIATE … COMMIT),
        // within the request's wait; on PostgreSQL one statement (the INSERT reads the UPDATE's RETURNING).
        var writer = perRequest.GetValueOrDefault(Writer) ?? [];
        var code = (perRequest.GetValueOrDefault("POST /login/two-factor") ?? []).Concat(writer.Where(IsData)).ToList();
        var writes = code.Where(s => !s.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)).ToList();
        var expected = factory.Database.IsPostgres ? 2 : 3;
        Assert.True(code.Count == expected, $"{Describe("POST /login/two-factor")} / {Describe(Writer)}");
        Assert.Equal(code.Count - 1, writes.Count);
        Assert.Single(writes, s => s.Contains("UPDATE \"AspNetUsers\"", StringComparison.Ordinal));
        Assert.Single(writes, s => s.Contains("INSERT INTO \"AuditEvents\"", StringComparison.Ordinal));
        Assert.True(writer.Count == writer.Count(IsData) + (writer.Count > 0 ? 2 : 0), Describe(Writer));
    }

    private static bool IsData(string sql) =>
        new[] { "SELECT", "UPDATE", "INSERT", "DELETE", "WITH" }.Any(verb => sql.StartsWith(verb, StringComparison.OrdinalIgnoreCase));

    /// <summary>The app with an interceptor that records every command with the request it ran for.</summary>
    public sealed class CountingFactory : TwofoldFactory
    {
        public ConcurrentQueue<(string Request, string Sql)> Commands { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<IInterceptor>(sp => new CommandRecorder(sp.GetRequiredService<IHttpContextAccessor>(), Commands));
                services.AddSingleton<IInterceptor>(new WriterTracer(Commands));
            });
        }
    }

    private sealed class CommandRecorder(IHttpContextAccessor http, ConcurrentQueue<(string Request, string Sql)> commands) : DbCommandInterceptor
    {
        // Called once per command, sync or async, reader or not, after EF has set its text. Commands outside a
        // request (the mail sender, the force worker) are not the sign-in's, except the accepted-code writer's.
        public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
        {
            if (http.HttpContext is { } context)
            {
                commands.Enqueue(($"{context.Request.Method} {context.Request.Path}", result.CommandText.TrimStart()));
            }
            return result;
        }
    }

    /// <summary>
    /// The accepted-code writer runs prepared statements on its own connection, not through EF's commands: SQLite's
    /// own trace on that connection reports each statement as it starts to run.
    /// </summary>
    private sealed class WriterTracer(ConcurrentQueue<(string Request, string Sql)> commands) : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            if (Thread.CurrentThread.Name == AcceptedCodeBatch.WriterThreadName && connection is SqliteConnection sqlite)
            {
                SQLitePCL.raw.sqlite3_trace(sqlite.Handle, (_, sql) => commands.Enqueue((Writer, sql.TrimStart())), null);
            }
        }
    }
}
