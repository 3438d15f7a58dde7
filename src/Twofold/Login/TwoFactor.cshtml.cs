using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Totp;

namespace Twofold.Login;

/// <summary>
/// The code step. Rendered as a &lt;dialog&gt; over the login form; site.js makes it modal. Without
/// JavaScript the open dialog is simply a form on the page.
/// </summary>
[AllowAnonymous]
public sealed class TwoFactorModel(SignInService signIn) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public DateTimeOffset? LockedUntil { get; private set; }

    private const string CodeKey = $"{nameof(Input)}.{nameof(InputModel.Code)}";

    public sealed class InputModel
    {
        [Display(Name = "Authentication code")]
        [Required(ErrorMessage = "Enter the 6-digit code from your authenticator app.")]
        [StringLength(32, ErrorMessage = TotpCode.FormatError)]
        public string Code { get; set; } = string.Empty;
    }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.HasPendingCodeStepAsync() ? Page() : RedirectToPage("/Login/Index", new { expired = true });

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var code = 0;
        if (ModelState.IsValid && !TotpCode.TryParse(Input.Code, out code))
        {
            ModelState.AddModelError(CodeKey, TotpCode.FormatError);
        }

        if (!ModelState.IsValid)
        {
            if (!await signIn.HasPendingCodeStepAsync())
            {
                return RedirectToPage("/Login/Index", new { expired = true });
            }

            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await signIn.CodeStepAsync(code, ct);
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(IndexModel.SafeReturnUrl(Url, ReturnUrl));
            case SignInOutcome.NoPendingSignIn:
                return RedirectToPage("/Login/Index", new { expired = true });
            case SignInOutcome.LockedOut:
                LockedUntil = result.LockedUntil;
                Response.StatusCode = StatusCodes.Status423Locked;
                return Page();
            case SignInOutcome.ReplayedCode:
                ModelState.AddModelError(CodeKey, "This code has already been used. Wait for the next code to appear in your app.");
                break;
            default:
                ModelState.AddModelError(CodeKey, "That code is not correct. Enter the code your app shows now.");
                break;
        }

        // A refused code is useless for the next try: empty the field. The tag helper renders the posted
        // value from ModelState, not Input.Code, so the entry is reset there (its error message stays).
        Input.Code = string.Empty;
        ModelState.SetModelValue(CodeKey, string.Empty, string.Empty);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}
