namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>
/// A test that needs a PostgreSQL server: without TEST_PG_CONNECTION it is reported as skipped with
/// the reason, so a plain <c>dotnet test</c> says why instead of passing silently.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabase.PostgresServer is null)
        {
            Skip = TestDatabase.PostgresSkipReason;
        }
    }
}
