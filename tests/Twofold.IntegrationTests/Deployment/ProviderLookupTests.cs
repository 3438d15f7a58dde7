using Microsoft.Extensions.DependencyInjection;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Users;

namespace Twofold.IntegrationTests.Deployment;

/// <summary>
/// Lookups that SQLite and PostgreSQL could answer differently (case, LIKE wildcards): the app
/// compares upper-cased Normalized* columns, so both providers give the same answers.
/// </summary>
public sealed class ProviderLookupTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    [Fact]
    public async Task OperatorAndUserSearch_IgnoreCase_AndTreatWildcardsLiterally()
    {
        var code = await factory.CreateOperatorAsync();
        var user = await factory.CreateUserAsync(code, "MixedCase_Login", "Mixed.Person@Example.test");
        await factory.CreateUserAsync(code, "other", "other@example.test");
        await factory.CreateUserAsync(code, "MixedCaseXLogin", "x@example.test");

        await factory.WithScopeAsync(async sp =>
        {
            var accounts = sp.GetRequiredService<UserAccounts>();
            Assert.Equal(user.Id, (await accounts.FindUserAsync(code.ToLowerInvariant(), "mixedcase_login"))?.Id);

            var directory = sp.GetRequiredService<UserDirectory>();
            // Search is by prefix of login or email (an index range, see UserDirectory), ordered bytewise
            // on both providers ('X' 0x58 before '_' 0x5F), whatever the PostgreSQL server's locale.
            Assert.Equal(["MixedCaseXLogin", "MixedCase_Login"], await LoginsAsync(directory, user.OperatorId, "mixedcase"));
            Assert.Equal(["MixedCase_Login"], await LoginsAsync(directory, user.OperatorId, "mixed.person@EXAMPLE"));
            // A LIKE pattern would let '_' match the 'X' of MixedCaseXLogin.
            Assert.Equal(["MixedCase_Login"], await LoginsAsync(directory, user.OperatorId, "mixedcase_"));
            Assert.Empty(await LoginsAsync(directory, user.OperatorId, "%"));
            Assert.Empty(await LoginsAsync(directory, user.OperatorId, "ixedcase"));
            Assert.Equal(3, (await directory.ListAsync(user.OperatorId, null, 1)).Total);
        });
    }

    private static async Task<List<string>> LoginsAsync(UserDirectory directory, int operatorId, string search) =>
        (await directory.ListAsync(operatorId, search, 1)).Rows.Select(r => r.Login).ToList();
}
