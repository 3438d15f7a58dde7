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

        await factory.WithScopeAsync(async sp =>
        {
            var accounts = sp.GetRequiredService<UserAccounts>();
            Assert.Equal(user.Id, (await accounts.FindUserAsync(code.ToLowerInvariant(), "mixedcase_login"))?.Id);

            var directory = sp.GetRequiredService<UserDirectory>();
            Assert.Equal(["MixedCase_Login"], await LoginsAsync(directory, user.OperatorId, "mixedcase"));
            Assert.Equal(["MixedCase_Login"], await LoginsAsync(directory, user.OperatorId, "mixed.person@EXAMPLE"));
            Assert.Equal(["MixedCase_Login"], await LoginsAsync(directory, user.OperatorId, "e_l"));
            Assert.Empty(await LoginsAsync(directory, user.OperatorId, "%"));
            Assert.Equal(2, (await directory.ListAsync(user.OperatorId, null, 1)).Total);
        });
    }

    private static async Task<List<string>> LoginsAsync(UserDirectory directory, int operatorId, string search) =>
        (await directory.ListAsync(operatorId, search, 1)).Rows.Select(r => r.Login).ToList();
}
