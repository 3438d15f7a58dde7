using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Twofold.Benchmarks;

public sealed class BenchUser
{
    public string Id { get; } = "bench";
}

/// <summary>The smallest UserManager that AuthenticatorTokenProvider can read a key through.</summary>
internal static class BenchUserManager
{
    public static UserManager<BenchUser> Create(string base32Key)
    {
        var store = new InMemoryKeyStore(base32Key);
        return new UserManager<BenchUser>(store, Options.Create(new IdentityOptions()), new PasswordHasher<BenchUser>(),
            [], [], new UpperInvariantLookupNormalizer(), new IdentityErrorDescriber(), null!,
            NullLogger<UserManager<BenchUser>>.Instance);
    }

    /// <summary>One user, one key; everything but the authenticator key is unsupported.</summary>
    private sealed class InMemoryKeyStore(string key) : IUserAuthenticatorKeyStore<BenchUser>
    {
        private readonly Task<string?> keyTask = Task.FromResult<string?>(key);

        public Task<string?> GetAuthenticatorKeyAsync(BenchUser user, CancellationToken cancellationToken) => keyTask;

        public Task SetAuthenticatorKeyAsync(BenchUser user, string key, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<string> GetUserIdAsync(BenchUser user, CancellationToken cancellationToken) => Task.FromResult(user.Id);

        public Task<string?> GetUserNameAsync(BenchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.Id);

        public Task SetUserNameAsync(BenchUser user, string? userName, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<string?> GetNormalizedUserNameAsync(BenchUser user, CancellationToken cancellationToken) =>
            Task.FromResult<string?>(user.Id);

        public Task SetNormalizedUserNameAsync(BenchUser user, string? normalizedName, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IdentityResult> CreateAsync(BenchUser user, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IdentityResult> UpdateAsync(BenchUser user, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IdentityResult> DeleteAsync(BenchUser user, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<BenchUser?> FindByIdAsync(string userId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<BenchUser?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
