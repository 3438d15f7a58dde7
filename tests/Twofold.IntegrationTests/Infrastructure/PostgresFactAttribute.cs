using System.Runtime.CompilerServices;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>
/// A test that needs a PostgreSQL server: without TEST_PG_CONNECTION it is reported as skipped with
/// the reason, so a plain <c>dotnet test</c> says why instead of passing silently. The reason is
/// also put in the display name, because the console logger's default verbosity omits skip reasons.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute([CallerMemberName] string test = "")
    {
        if (TestDatabase.PostgresServer is null)
        {
            Skip = TestDatabase.PostgresSkipReason;
            DisplayName = $"{test} ({TestDatabase.PostgresSkipReason})";
        }
    }
}
