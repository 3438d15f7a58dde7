using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Data;
using Twofold.Login;
using Twofold.Recovery;

namespace Twofold.Settings;

/// <summary>Settings &gt; General Settings, for the operator's administrators (folder policy).</summary>
public sealed class GeneralModel(OperatorSettings settings, Compliance compliance) : PageModel
{
    [BindProperty]
    public bool ForceTwoFactor { get; set; }

    [BindProperty]
    public bool Confirmed { get; set; }

    [BindProperty]
    [Display(Name = "Grace period (hours)")]
    [Range(0, GracePeriod.MaxHours, ErrorMessage = "Grace period: enter a whole number of hours from 0 (none) to 720 (30 days).")]
    public int GracePeriodHours { get; set; }

    [BindProperty]
    [Display(Name = "Remember a device for N days")]
    [Range(0, 90, ErrorMessage = "Remember a device: enter a whole number of days from 0 (off) to 90.")]
    public int RememberDeviceDays { get; set; }

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

    /// <summary>Shown while forcing: who has paired and who has not (one page of the list).</summary>
    public ComplianceReport? Report { get; private set; }

    /// <summary>Cursor of the compliance list's page (Next link; kept by Resend's hidden field).</summary>
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>Cursor of the compliance list's page (Previous link; kept by Resend's hidden field).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var op = await LoadAsync(ct);
        ForceTwoFactor = op.ForceTwoFactor;
        GracePeriodHours = op.GracePeriodHours;
        RememberDeviceDays = op.RememberDeviceDays;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            // A value that is not a checkbox's ("true"/"false") must not read as "unticked" and switch forcing off.
            if (ModelState[nameof(ForceTwoFactor)]?.Errors.Count > 0 || ModelState[nameof(Confirmed)]?.Errors.Count > 0)
            {
                Message = "The form was not sent as this page made it, so nothing was saved. Reload the page and try again.";
            }

            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await settings.SetForceAsync(User.OperatorIdOf(), User.UserId(), ForceTwoFactor, Confirmed, ct);
        if (result.Outcome == ForceOutcome.NeedsConfirmation)
        {
            NeedsConfirmation = true;
            await LoadAsync(ct);
            return Page();
        }

        var policiesChanged = await settings.SetPoliciesAsync(User.OperatorIdOf(), User.UserId(), RememberDeviceDays, GracePeriodHours, ct);
        var op = await LoadAsync(ct);
        Message = result.Outcome switch
        {
            ForceOutcome.Saved when op.ForceTwoFactor =>
                "Saved. Two-factor authentication is now required for all users; users without a paired device are being emailed a pairing link."
                + (op.GracePeriodHours > 0 ? $" Users without a paired device can still sign in for {op.GracePeriodHours} hour(s)." : ""),
            ForceOutcome.Saved => "Saved. Each user's own profile choice applies again.",
            _ when policiesChanged => "Saved.",
            _ => "Nothing changed.",
        };
        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(Guid userId, CancellationToken ct)
    {
        ModelState.Clear();
        var op = await settings.GetAsync(User.OperatorIdOf(), ct);
        if (!await compliance.ResendAsync(op, userId, ct))
        {
            await OnGetAsync(ct);
            Message = "That user was not found or has already paired a device.";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        await OnGetAsync(ct);
        Message = "A new pairing link has been sent. Earlier links of that user no longer work.";
        return Page();
    }

    private async Task<Operator> LoadAsync(CancellationToken ct)
    {
        var op = await settings.GetAsync(User.OperatorIdOf(), ct);
        OperatorName = $"{op.Name} ({op.Code})";
        Report = op.ForceTwoFactor ? await compliance.ForOperatorAsync(op, After, Before, ct) : null;
        Progress = await settings.GetProgressAsync(op.Id, ct);
        return op;
    }
}
