using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Login;

namespace Twofold.Settings;

/// <summary>Settings &gt; General Settings, for the operator's administrators (folder policy).</summary>
public sealed class GeneralModel(OperatorSettings settings) : PageModel
{
    [BindProperty]
    public bool ForceTwoFactor { get; set; }

    [BindProperty]
    public bool Confirmed { get; set; }

    public string OperatorName { get; private set; } = string.Empty;

    public bool NeedsConfirmation { get; private set; }

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var op = await settings.GetAsync(User.OperatorIdOf(), ct);
        OperatorName = $"{op.Name} ({op.Code})";
        ForceTwoFactor = op.ForceTwoFactor;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // A value that is not a checkbox's ("true"/"false") must not read as "unticked" and switch forcing off.
        if (!ModelState.IsValid)
        {
            await OnGetAsync(ct);
            Message = "The form was not sent as this page made it, so nothing was saved. Reload the page and try again.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await settings.SetForceAsync(User.OperatorIdOf(), User.UserId(), ForceTwoFactor, Confirmed, ct);
        var op = await settings.GetAsync(User.OperatorIdOf(), ct);
        OperatorName = $"{op.Name} ({op.Code})";
        switch (result.Outcome)
        {
            case ForceOutcome.NeedsConfirmation:
                NeedsConfirmation = true;
                break;
            case ForceOutcome.Saved:
                Message = op.ForceTwoFactor
                    ? $"Saved. Two-factor authentication is now required for all users; {result.PairingMailsQueued} pairing email(s) are being sent."
                    : "Saved. Each user's own profile choice applies again.";
                break;
            default:
                Message = "Nothing changed.";
                break;
        }

        return Page();
    }
}
