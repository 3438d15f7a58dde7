using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Data;
using Twofold.Login;
using Twofold.Totp;
using Twofold.Web;

namespace Twofold.Profile;

public sealed class IndexModel(UserManager<TwofoldUser> users, SignInManager<TwofoldUser> signIn, TwoFactorSettings twoFactor, PasswordChange passwordChange) : PageModel
{
    [BindProperty]
    public TwoFactorInput TwoFactor { get; set; } = new();

    [BindProperty]
    public PasswordInput Password { get; set; } = new();

    public TwoFactorStatus Status { get; private set; } = null!;

    public string? Message { get; private set; }

    public sealed class TwoFactorInput
    {
        [Display(Name = "Use two factor authentication")]
        public bool Use { get; set; }

        [Display(Name = "Your password")]
        [StringLength(256)]
        [DataType(DataType.Password)]
        public string? ConfirmPassword { get; set; }

        [Display(Name = "or a current authentication code")]
        [StringLength(32)]
        public string? ConfirmCode { get; set; }
    }

    public sealed class PasswordInput
    {
        [Display(Name = "Current password")]
        [Required(ErrorMessage = "Enter your current password.")]
        [StringLength(256)]
        [DataType(DataType.Password)]
        public string Current { get; set; } = string.Empty;

        [Display(Name = "New password")]
        [Required(ErrorMessage = "Enter a new password.")]
        [StringLength(256, MinimumLength = 10, ErrorMessage = "The new password must be 10 to 256 characters long.")]
        [DataType(DataType.Password)]
        public string New { get; set; } = string.Empty;

        [Display(Name = "Confirm new password")]
        [Compare(nameof(New), ErrorMessage = "The new password and its confirmation do not match.")]
        [DataType(DataType.Password)]
        public string Confirm { get; set; } = string.Empty;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await ShowAsync(ct);

    public async Task<IActionResult> OnPostTwoFactorAsync(CancellationToken ct)
    {
        var user = await CurrentUserAsync();
        var status = await twoFactor.GetStatusAsync(user, ct);
        if (!ValidateOnly(nameof(TwoFactor)))
        {
            // This form shows one message line (its fields have none): gather the field errors there.
            var messages = ModelState.Where(e => e.Key.StartsWith(nameof(TwoFactor) + ".", StringComparison.Ordinal))
                .SelectMany(e => e.Value!.Errors.Select(x => x.ErrorMessage)).ToList();
            foreach (var message in messages)
            {
                ModelState.AddModelError(nameof(TwoFactor), message);
            }

            return await ShowAsync(ct, StatusCodes.Status400BadRequest);
        }

        if (TwoFactor.Use && !status.Enabled)
        {
            await twoFactor.TurnOnAsync(user, ct);
            return await ShowAsync(ct, message: status.ForcedByOperator || status.State == TwoFactorState.Paired
                ? "Two-factor authentication is on."
                : $"Two-factor authentication is on. A pairing link has been sent to {EmailMask.Mask(user.Email)}: open it to pair your mobile device.");
        }

        if (!TwoFactor.Use && status.Enabled)
        {
            if (string.IsNullOrEmpty(TwoFactor.ConfirmPassword) && !string.IsNullOrEmpty(TwoFactor.ConfirmCode) && !TotpCode.TryParse(TwoFactor.ConfirmCode, out _))
            {
                ModelState.AddModelError("TwoFactor", TotpCode.FormatError);
                return await ShowAsync(ct, StatusCodes.Status400BadRequest);
            }

            var result = await twoFactor.TurnOffAsync(user, TwoFactor.ConfirmPassword, TwoFactor.ConfirmCode, ct);
            var error = result.Outcome switch
            {
                TurnOffOutcome.TurnedOff => null,
                TurnOffOutcome.Forced => "Your operator requires two-factor authentication for all users, so it cannot be turned off.",
                TurnOffOutcome.ConfirmationMissing => "To turn off two-factor authentication, confirm with your password or a current authentication code.",
                TurnOffOutcome.LockedOut => $"Your account is temporarily locked after too many failed attempts. Try again after {FormText.Utc(result.LockedUntil!.Value)}.",
                _ => "That password or code is not correct, so two-factor authentication is still on.",
            };
            if (error is not null)
            {
                ModelState.AddModelError("TwoFactor", error);
                return await ShowAsync(ct, result.Outcome == TurnOffOutcome.LockedOut ? StatusCodes.Status423Locked : StatusCodes.Status400BadRequest);
            }

            return await ShowAsync(ct, message: "Two-factor authentication is off. Your other sessions have been signed out.");
        }

        return await ShowAsync(ct, message: "Nothing changed.");
    }

    public async Task<IActionResult> OnPostSendLinkAsync(CancellationToken ct)
    {
        ModelState.Clear();
        var user = await CurrentUserAsync();
        var status = await twoFactor.GetStatusAsync(user, ct);
        if (status.State != TwoFactorState.WaitingForPairing)
        {
            ModelState.AddModelError("TwoFactor", "There is no device waiting to be paired.");
            return await ShowAsync(ct, StatusCodes.Status400BadRequest);
        }

        await twoFactor.SendNewLinkAsync(user, ct);
        return await ShowAsync(ct, message: $"A new pairing link has been sent to {EmailMask.Mask(user.Email)}. Earlier links no longer work.");
    }

    public async Task<IActionResult> OnPostChangePasswordAsync(CancellationToken ct)
    {
        if (!ValidateOnly(nameof(Password)))
        {
            return await ShowAsync(ct, StatusCodes.Status400BadRequest);
        }

        var user = await CurrentUserAsync();
        var result = await passwordChange.ChangeAsync(user, Password.Current, Password.New, ct);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError("Password", error.Code == "PasswordMismatch" ? "The current password is not correct." : error.Description);
            }

            return await ShowAsync(ct, StatusCodes.Status400BadRequest);
        }

        // ChangePasswordAsync renewed the security stamp: other sessions end, this one is re-issued.
        await signIn.RefreshSignInAsync(user);
        return await ShowAsync(ct, message: "Your password has been changed. Your other sessions have been signed out.");
    }

    private async Task<TwofoldUser> CurrentUserAsync() =>
        await users.GetUserAsync(User) ?? throw new InvalidOperationException("Signed-in user no longer exists.");

    private async Task<IActionResult> ShowAsync(CancellationToken ct, int statusCode = StatusCodes.Status200OK, string? message = null)
    {
        var user = await CurrentUserAsync();
        Status = await twoFactor.GetStatusAsync(user, ct);
        TwoFactor = new TwoFactorInput { Use = Status.Enabled || Status.ForcedByOperator };
        Password = new PasswordInput();
        Message = message;
        Response.StatusCode = statusCode;
        return Page();
    }

    /// <summary>
    /// The page has two forms; both bind, but only the posted one counts: the other form's errors
    /// (its empty required fields) are dropped. The posted form's binding errors stay, so e.g.
    /// "TwoFactor.Use=abc" is refused instead of reading as "unticked".
    /// </summary>
    private bool ValidateOnly(string prefix)
    {
        foreach (var key in ModelState.Keys.Where(k => !k.StartsWith(prefix + ".", StringComparison.Ordinal) && k != prefix).ToList())
        {
            ModelState.Remove(key);
        }

        return ModelState.IsValid;
    }
}
