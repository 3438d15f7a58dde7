using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Twofold.Data;

namespace Twofold.Mail;

public sealed record MailboxEntry(long Id, string ToAddress, string Subject, string Kind, OutboxStatus Status, DateTimeOffset CreatedAt, string? TextBody)
{
    public string CreatedAtText => CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public string CreatedAtIso => CreatedAt.ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>
/// Development only: the outbox as a mailbox, so pairing links can be followed without an SMTP server.
/// Anyone may open it, hence NotFound in every other environment.
/// </summary>
[AllowAnonymous]
public sealed class DevMailboxModel(TwofoldDbContext db, MailOutbox outbox, IHostEnvironment environment) : PageModel
{
    private const int MaxShown = 100;

    public IReadOnlyList<MailboxEntry> Messages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!environment.IsDevelopment())
        {
            return NotFound();
        }

        // The bodies hold one-time links: no copy in any cache.
        Response.Headers.CacheControl = "no-store";
        var rows = await db.Outbox.AsNoTracking().OrderByDescending(m => m.Id).Take(MaxShown).ToListAsync(ct);
        Messages = rows.Select(m => new MailboxEntry(m.Id, m.ToAddress, m.Subject, m.Kind, m.Status, m.CreatedAt, Body(m))).ToList();
        return Page();
    }

    private string? Body(OutboxMessage message)
    {
        if (message.ProtectedTextBody is null)
        {
            return null;
        }

        try
        {
            return outbox.UnprotectBody(message.ProtectedTextBody);
        }
        catch (CryptographicException)
        {
            return "(This body was protected with a key that is no longer available.)";
        }
    }
}
