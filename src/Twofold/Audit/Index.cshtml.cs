using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Login;
using Twofold.Web;

namespace Twofold.Audit;

/// <summary>Settings &gt; Audit log: the operator's security events for its administrators, newest first.</summary>
[Authorize(Policy = TwofoldClaims.AdministratorPolicy)]
public sealed class IndexModel(AuditQuery audit) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "login")]
    public string? Login { get; set; }

    [BindProperty(SupportsGet = true, Name = "type")]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public string? PageText { get; set; }

    public AuditPage Events { get; private set; } = new([], 1, 1, 0);

    /// <summary>Why the filter could not be applied; the page then lists nothing rather than everything.</summary>
    public IReadOnlyList<string> FilterErrors { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (ParseFilter() is { } filter)
        {
            var page = int.TryParse(PageText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 1;
            Events = await audit.PageAsync(User.OperatorIdOf(), filter, page, ct);
        }
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (ParseFilter() is not { } filter)
        {
            return Page();
        }

        // Streamed row by row: an export of a busy operator's year does not sit in memory.
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = "attachment; filename=audit.csv";
        Response.Headers.CacheControl = "no-store";
        await using (var writer = new StreamWriter(Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            await writer.WriteAsync(AuditCsv.Header);
            await foreach (var row in audit.ExportAsync(User.OperatorIdOf(), filter).WithCancellation(ct))
            {
                await writer.WriteAsync(AuditCsv.Line(row));
            }
        }

        return new EmptyResult();
    }

    /// <summary>A query string that repeats the current filter, for the pager and the CSV link.</summary>
    public string QueryWith(string? handler = null, int? page = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
            }
        }

        Add("handler", handler);
        Add("login", Login);
        Add("type", Type);
        Add("from", From);
        Add("to", To);
        Add("p", page?.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "?" : "?" + string.Join("&", parts);
    }

    private AuditFilter? ParseFilter()
    {
        var errors = new List<string>();
        if (Login is { } login && (login.Length > 64 || FormText.HasHiddenCharacters(login)))
        {
            errors.Add("The login filter must be at most 64 characters without control characters.");
        }

        AuditEventType? type = null;
        if (!string.IsNullOrWhiteSpace(Type))
        {
            if (Enum.TryParse<AuditEventType>(Type.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !Type.Trim().All(char.IsAsciiDigit))
            {
                type = parsed;
            }
            else
            {
                errors.Add("Choose an event type from the list.");
            }
        }

        var from = ParseDate(From, "From", errors);
        var to = ParseDate(To, "To", errors);
        if (from > to)
        {
            errors.Add("The From date must not be after the To date.");
        }

        FilterErrors = errors;
        return errors.Count == 0 ? new AuditFilter(Login?.Trim(), type, from, to) : null;
    }

    private static DateOnly? ParseDate(string? text, string label, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date.Year is >= 2000 and <= 9998)
        {
            return date;
        }

        errors.Add($"{label} date: enter a date as YYYY-MM-DD, e.g. 2026-11-28.");
        return null;
    }

    public static string Describe(AuditEventType type) => type switch
    {
        AuditEventType.SignInSucceeded => "Signed in",
        AuditEventType.SignInFailedPassword => "Sign-in failed (password)",
        AuditEventType.SignInFailedCode => "Sign-in failed (code)",
        AuditEventType.PasswordLockout => "Locked out (passwords)",
        AuditEventType.CodeLockout => "Locked out (codes)",
        AuditEventType.TwoFactorEnabled => "Two-factor turned on",
        AuditEventType.TwoFactorDisabled => "Two-factor turned off",
        AuditEventType.DevicePaired => "Device paired",
        AuditEventType.TwoFactorReset => "Two-factor reset",
        AuditEventType.TwoFactorForced => "Two-factor forced for all users",
        AuditEventType.TwoFactorUnforced => "Two-factor no longer forced",
        AuditEventType.RecoveryCodeUsed => "Recovery code used",
        AuditEventType.RecoveryCodesRegenerated => "Recovery codes regenerated",
        AuditEventType.PairingLinkSent => "Pairing link sent",
        AuditEventType.PairingLinkUsed => "Pairing link used",
        AuditEventType.PairingLinkExpired => "Expired pairing link opened",
        AuditEventType.NewDeviceRequested => "New device requested",
        AuditEventType.DeviceRemembered => "Device remembered",
        AuditEventType.PasswordChanged => "Password changed",
        AuditEventType.PasswordResetRequested => "Password reset requested",
        AuditEventType.PasswordReset => "Password reset by link",
        AuditEventType.SettingsChanged => "Settings changed",
        _ => type.ToString(),
    };
}
