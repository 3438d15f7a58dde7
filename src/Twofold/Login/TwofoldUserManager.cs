using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Data;

namespace Twofold.Login;

/// <summary>
/// Identity's user manager with two shortcuts on the sign-in path:
/// <list type="bullet">
/// <item>no per-user claims: Twofold never stores rows in AspNetUserClaims (its claims come from
/// <see cref="TwofoldClaimsPrincipalFactory"/>), so each session cookie issued or re-validated skips a query
/// of that always-empty table;</item>
/// <item><see cref="FindByNameAsync"/> runs a compiled query (the store's is the same LINQ, walked and looked
/// up in EF's query cache on every call).</item>
/// </list>
/// </summary>
public sealed class TwofoldUserManager(
    TwofoldDbContext db,
    IUserStore<TwofoldUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<TwofoldUser> passwordHasher,
    IEnumerable<IUserValidator<TwofoldUser>> userValidators,
    IEnumerable<IPasswordValidator<TwofoldUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<TwofoldUser>> logger)
    : UserManager<TwofoldUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    private static readonly Func<TwofoldDbContext, string, Task<TwofoldUser?>> UserByNormalizedName =
        EF.CompileAsyncQuery((TwofoldDbContext context, string normalizedName) =>
            context.Users.FirstOrDefault(u => u.NormalizedUserName == normalizedName));

    public override bool SupportsUserClaim => false;

    public override Task<TwofoldUser?> FindByNameAsync(string userName)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(userName);
        return UserByNormalizedName(db, NormalizeName(userName)!);
    }
}
