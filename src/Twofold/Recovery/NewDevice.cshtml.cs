using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Data;
using Twofold.Login;

namespace Twofold.Recovery;

/// <summary>/profile/new-device: "Pair a new device" with the password and a current or recovery code.</summary>
[Authorize]
public sealed class NewDeviceModel(UserManager<TwofoldUser> users, DeviceRecovery recovery) : PageModel
{
    [BindProperty]
    [Display(Name = "Your password")]
    [StringLength(256)]
    [DataType(DataType.Password)]
    public string? Password { get; set; }

    [BindProperty]
    [Display(Name = "Authentication code or recovery code")]
    [StringLength(32)]
    public string? Code { get; set; }

    public bool Paired { get; private set; }

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Paired = await recovery.IsPairedAsync(User.UserId(), ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User) ?? throw new InvalidOperationException("Signed-in user no longer exists.");
        Paired = await recovery.IsPairedAsync(user.Id, ct);
        if (!Paired)
        {
            ModelState.AddModelError(string.Empty, "You have no paired device yet: use the pairing link from your email, or send a new one from your profile.");
            return Fail(StatusCodes.Status400BadRequest);
        }

        if (!ModelState.IsValid)
        {
            return Fail(StatusCodes.Status400BadRequest);
        }

        // Password first: a wrong password must not spend a recovery code.
        var password = await recovery.ProvePasswordAsync(user, Password, ct);
        if (password.Outcome != ProofOutcome.Proven)
        {
            ModelState.AddModelError(nameof(Password), ProofText.For(password, "your current password"));
            return Fail(ProofText.StatusFor(password));
        }

        var code = await recovery.ProveCodeAsync(user, Code, allowRecoveryCode: true, ct);
        if (code.Outcome != ProofOutcome.Proven)
        {
            ModelState.AddModelError(nameof(Code), ProofText.For(code, "the 6-digit code from your app or one of your recovery codes"));
            return Fail(ProofText.StatusFor(code));
        }

        await recovery.RequestNewDeviceAsync(user, ct);
        Message = $"A pairing link has been sent to {EmailMask.Mask(user.Email)}. Your current device keeps working until you pair the new one; then the old one is removed.";
        return Page();
    }

    private PageResult Fail(int statusCode)
    {
        Password = null;
        Code = null;
        Response.StatusCode = statusCode;
        return Page();
    }
}
