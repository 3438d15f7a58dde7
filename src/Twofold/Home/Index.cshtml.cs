using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Login;

namespace Twofold.Home;

[Authorize]
public sealed class IndexModel : PageModel
{
    public string Account => $"{User.FindFirst(TwofoldClaims.OperatorCode)?.Value} / {User.FindFirst(TwofoldClaims.Login)?.Value}";
}
