using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Totp;

namespace Twofold.Login;

/// <summary>
/// The code step: checks a posted code. The dialog (<c>_CodeDialog.cshtml</c>) first comes with the password
/// step's answer; this page renders it again after a refused code, or when reloaded.
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

    /// <summary>Operator's "Remember a device for N days"; 0 hides the checkbox.</summary>
    public int RememberDays { get; private set; }

    public CodeDialog Dialog => new(Input, ReturnUrl, RememberDays);

    public sealed class InputModel
    {
        [Display(Name = "Authentication code")]
        [Required(ErrorMessage = "Enter the 6-digit code from your authenticator app.")]
        [StringLength(32, ErrorMessage = TotpCode.FormatError)]
        public string Code { get; set; } = string.Empty;

        [Display(Name = "Don't ask again on this device")]
        public bool RememberDevice { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await signIn.HasPendingCodeStepAsync())
        {
            return RedirectToPage("/Login/Index", new { expired = true });
        }

        RememberDays = await signIn.RememberDaysForPendingAsync(ct);
        return Page();
    }

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

            RememberDays = await signIn.RememberDaysForPendingAsync(ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        RememberDays = await signIn.RememberDaysForPendingAsync(ct);
        var result = await signIn.CodeStepAsync(code, Input.RememberDevice && RememberDays > 0, ct);
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
            case SignInOutcome.ClockDrift:
                ModelState.AddModelError("Input.Code", ClockDrift.Message(result.DriftSteps!.Value));
                break;
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
