using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Twofold.Data;

public static class DataServiceCollectionExtensions
{
    public const string ConnectionStringName = "Default";

    /// <summary>Registers the database for the configured provider, Data Protection keys in it, and its health check.</summary>
    public static IServiceCollection AddData(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = configuration.GetConnectionString(ConnectionStringName);

        // Interceptors come from DI (e.g. the mail outbox's wake-up signal), so features plug in without Data knowing them.
        // The options are built once (singleton): per scope they would be rebuilt, and EF would look up its internal
        // service provider by them, for every DbContext a request creates. Every interceptor is a singleton.
        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        "Database:Provider is Postgres but ConnectionStrings:Default is empty. Set it, e.g. " +
                        "ConnectionStrings__Default=\"Host=127.0.0.1;Database=twofold;Username=twofold;Password=…\".");
                }

                connectionString = PostgresConnectionString(connectionString, options.PostgresMaxAutoPrepare);
                services.AddDbContext<TwofoldDbContext, PostgresTwofoldDbContext>((sp, o) => o.UseNpgsql(connectionString).AddInterceptors(sp.GetServices<IInterceptor>()),
                    optionsLifetime: ServiceLifetime.Singleton);
                break;
            default:
                connectionString = SqliteConnectionString(connectionString, contentRoot);
                // One instance: it remembers which pooled native connections it has already set up.
                var setup = new SqliteConnectionSetup(options.SqliteSynchronous);
                services.AddDbContext<TwofoldDbContext, SqliteTwofoldDbContext>((sp, o) =>
                    o.UseSqlite(connectionString).AddInterceptors(sp.GetServices<IInterceptor>()).AddInterceptors(setup),
                    optionsLifetime: ServiceLifetime.Singleton);
                break;
        }

        services.AddHostedService<DatabaseMigrator>();

        // Keys live in the database so every node reads cookies, tokens and secrets written by another.
        var dataProtection = services.AddDataProtection().SetApplicationName("Twofold").PersistKeysToDbContext<TwofoldDbContext>();
        var certificate = (configuration.GetSection(KeyRingOptions.SectionName).Get<KeyRingOptions>() ?? new KeyRingOptions()).LoadCertificate();
        if (certificate is not null)
        {
            // Key XML in the database is then encrypted; a database dump alone no longer opens cookies and secrets.
            dataProtection.ProtectKeysWithCertificate(certificate);
        }

        services.AddHealthChecks().AddDbContextCheck<TwofoldDbContext>("database");
        return services;
    }

    /// <summary>The configured string, with <see cref="DatabaseOptions.PostgresMaxAutoPrepare"/> unless it sets its own.</summary>
    internal static string PostgresConnectionString(string configured, int maxAutoPrepare)
    {
        var builder = new NpgsqlConnectionStringBuilder(configured);
        var setsItsOwn = new DbConnectionStringBuilder { ConnectionString = configured }.Keys.Cast<string>()
            .Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
        if (!setsItsOwn)
        {
            builder.MaxAutoPrepare = maxAutoPrepare;
        }

        return builder.ConnectionString;
    }

    private static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured) ? "Data Source=data/twofold.db" : configured);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.Combine(contentRoot, builder.DataSource);
        }

        var folder = Path.GetDirectoryName(builder.DataSource);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // A busy writer makes others wait rather than fail at once.
        builder.DefaultTimeout = 30;
        return builder.ToString();
    }
}
