using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Twofold.Data;

namespace Twofold.Login;

/// <summary>
/// Identity's user manager without per-user claims: Twofold never stores rows in AspNetUserClaims (its claims
/// come from <see cref="TwofoldClaimsPrincipalFactory"/>), so each session cookie issued or re-validated skips a
/// query of that always-empty table. (The password step reads its user with <see cref="SignInQueries"/>.)
/// </summary>
public sealed class TwofoldUserManager(
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
    public override bool SupportsUserClaim => false;
}
