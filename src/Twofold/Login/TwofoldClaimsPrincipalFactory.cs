using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Twofold.Data;

namespace Twofold.Login;

/// <summary>Adds operator and role claims, re-read whenever the security stamp is validated.</summary>
internal sealed class TwofoldClaimsPrincipalFactory(
    UserManager<TwofoldUser> userManager, IOptions<IdentityOptions> options, TwofoldDbContext db)
    : UserClaimsPrincipalFactory<TwofoldUser>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(TwofoldUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var operatorCode = (await SignInService.OperatorOfAsync(db, user, CancellationToken.None)).Code;
        identity.AddClaim(new Claim(TwofoldClaims.OperatorId, user.OperatorId.ToString(CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(TwofoldClaims.OperatorCode, operatorCode));
        identity.AddClaim(new Claim(TwofoldClaims.Login, user.Login));
        if (user.IsAdministrator)
        {
            identity.AddClaim(new Claim(TwofoldClaims.Administrator, "true"));
        }

        return identity;
    }
}
