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

    /// <summary>The newest pairing-link fan-out, shown while it runs (and its result after).</summary>
    public ForcePairingProgress? Progress { get; private set; }

    public static string Describe(ForcePairingProgress progress) => progress.State switch
    {
        ForcePairingJobState.Running => string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"Sending pairing links: {progress.ProcessedUsers:N0} of {progress.TotalUsers:N0} users checked, {progress.MailsQueued:N0} link(s) queued."),
        ForcePairingJobState.Completed => string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"Pairing links queued for every user without a paired device: {progress.MailsQueued:N0} of {progress.ProcessedUsers:N0} users."),
        _ => string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"Sending pairing links was stopped after {progress.ProcessedUsers:N0} of {progress.TotalUsers:N0} users ({progress.MailsQueued:N0} link(s) queued)."),
    };

    public async Task OnGetAsync(CancellationToken ct)
    {
        var op = await settings.GetAsync(User.OperatorIdOf(), ct);
        OperatorName = $"{op.Name} ({op.Code})";
        ForceTwoFactor = op.ForceTwoFactor;
        Progress = await settings.GetProgressAsync(op.Id, ct);
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
        Progress = await settings.GetProgressAsync(op.Id, ct);
        switch (result.Outcome)
        {
            case ForceOutcome.NeedsConfirmation:
                NeedsConfirmation = true;
                break;
            case ForceOutcome.Saved:
                Message = op.ForceTwoFactor
                    ? "Saved. Two-factor authentication is now required for all users; users without a paired device are being emailed a pairing link."
                    : "Saved. Each user's own profile choice applies again.";
                break;
            default:
                Message = "Nothing changed.";
                break;
        }

        return Page();
    }
}
