using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Audit;
using Twofold.Data;
using Twofold.Login;
using Twofold.Mail;

namespace Twofold.Recovery;

/// <summary>"Use a recovery code": the second step with a recovery code instead of the app's code.</summary>
[AllowAnonymous]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class UseCodeModel(
    SignInService signIn, RecoveryCodes recoveryCodes, TwofoldDbContext db, AuditLog audit, SecurityNotices notices, ILogger<UseCodeModel> logger)
    : PageModel
{
    [BindProperty]
    [Display(Name = "Recovery code")]
    [Required(ErrorMessage = RecoveryCodes.FormatError)]
    [StringLength(32, ErrorMessage = RecoveryCodes.FormatError)]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Set once signed in: codes left after this one.</summary>
    public int? Remaining { get; private set; }

    public DateTimeOffset? LockedUntil { get; private set; }

    public string ContinueUrl => Login.IndexModel.SafeReturnUrl(Url, ReturnUrl);

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.HasPendingCodeStepAsync() ? Page() : RedirectToPage("/Login/Index", new { expired = true });

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await signIn.PendingUserAsync();
        if (user is null)
        {
            return RedirectToPage("/Login/Index", new { expired = true });
        }

        if (ModelState.IsValid && !RecoveryCodes.LooksLikeRecoveryCode(Code))
        {
            ModelState.AddModelError(nameof(Code), RecoveryCodes.FormatError);
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await recoveryCodes.RedeemAsync(user.Id, Code, ct);
        Code = null;
        switch (result.Outcome)
        {
            case RedeemOutcome.Accepted:
                await signIn.CompleteSecondFactorAsync(user, rememberDevice: false, ct);
                audit.Record(AuditEventType.RecoveryCodeUsed, user, detail: "at sign-in");
                audit.Record(AuditEventType.SignInSucceeded, user, detail: "password and recovery code");
                await notices.RecoveryCodeUsedAsync(user, result.Remaining, ct);
                await db.SaveChangesAsync(ct);
                logger.LogInformation(LogEvents.RecoveryCodeUsed, "User {UserId} signed in with a recovery code; {Remaining} left", user.Id, result.Remaining);
                Remaining = result.Remaining;
                return Page();
            case RedeemOutcome.LockedOut:
                await audit.RecordNowAsync(AuditEventType.CodeLockout, user, detail: "wrong recovery codes", ct: ct);
                // As with wrong app codes: the password must be proven again after the lockout.
                await HttpContext.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
                LockedUntil = result.LockedUntil;
                Response.StatusCode = StatusCodes.Status423Locked;
                return Page();
            default:
                await audit.RecordNowAsync(AuditEventType.SignInFailedCode, user, detail: "wrong recovery code", ct: ct);
                ModelState.AddModelError(nameof(Code), "That recovery code is not correct or has already been used.");
                Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Page();
        }
    }
}
