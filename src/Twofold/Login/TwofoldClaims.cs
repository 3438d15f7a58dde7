using System.Security.Claims;

namespace Twofold.Login;

/// <summary>Claims Twofold puts into the session cookie, and helpers to read them.</summary>
public static class TwofoldClaims
{
    public const string OperatorId = "twofold:operator_id";
    public const string OperatorCode = "twofold:operator_code";
    public const string Login = "twofold:login";
    public const string Administrator = "twofold:admin";
    public const string AdministratorPolicy = "Administrator";

    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."));

    public static int OperatorIdOf(this ClaimsPrincipal principal) =>
        int.Parse(principal.FindFirstValue(OperatorId) ?? throw new InvalidOperationException("Not signed in."), System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsAdministrator(this ClaimsPrincipal principal) => principal.HasClaim(Administrator, "true");
}
