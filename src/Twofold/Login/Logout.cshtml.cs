using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Data;

namespace Twofold.Login;

/// <summary>Sign-out is a POST (antiforgery-checked), so a link or image cannot log anyone out.</summary>
[AllowAnonymous]
public sealed class LogoutModel(SignInManager<TwofoldUser> signIn) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        await HttpContext.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        return RedirectToPage("/Login/Index");
    }
}
