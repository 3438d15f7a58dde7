using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Data;

namespace Twofold.Recovery;

/// <summary>/profile/recovery-codes: how many are left; a new set (voiding the old) for a current app code.</summary>
[Authorize]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class CodesModel(UserManager<TwofoldUser> users, DeviceRecovery recovery, RecoveryCodes recoveryCodes) : PageModel
{
    [BindProperty]
    [Display(Name = "Current authentication code")]
    [StringLength(32)]
    public string? Code { get; set; }

    public bool Paired { get; private set; }

    public int Remaining { get; private set; }

    /// <summary>The new set, shown once in this no-store response.</summary>
    public IReadOnlyList<string> NewCodes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User) ?? throw new InvalidOperationException("Signed-in user no longer exists.");
        if (!await recovery.IsPairedAsync(user.Id, ct))
        {
            ModelState.AddModelError(nameof(Code), "Recovery codes exist only while a mobile device is paired.");
            return await ShowAsync(StatusCodes.Status400BadRequest, ct);
        }

        // Only the app's code: a recovery code must not be able to mint ten new ones.
        var proof = ModelState.IsValid ? await recovery.ProveCodeAsync(user, Code, allowRecoveryCode: false, ct) : new ProofResult(ProofOutcome.Missing);
        if (proof.Outcome != ProofOutcome.Proven)
        {
            ModelState.AddModelError(nameof(Code), ProofText.For(proof, "the 6-digit code your authenticator app shows now"));
            return await ShowAsync(ProofText.StatusFor(proof), ct);
        }

        NewCodes = await recovery.RegenerateAsync(user, ct);
        return await ShowAsync(StatusCodes.Status200OK, ct);
    }

    private async Task<PageResult> ShowAsync(int statusCode, CancellationToken ct)
    {
        Code = null;
        await LoadAsync(ct);
        Response.StatusCode = statusCode;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var userId = Login.TwofoldClaims.UserId(User);
        Paired = await recovery.IsPairedAsync(userId, ct);
        Remaining = await recoveryCodes.RemainingAsync(userId, ct);
    }
}
