using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Audit;
using Twofold.Data;
using Twofold.Web;

namespace Twofold.Mail;

public enum LockoutKind
{
    Password,
    Code,
}

/// <summary>
/// Security notices to the account owner. Each adds its mail to the request's outbox without saving,
/// so the caller's SaveChanges commits the notice with the change it reports (and a rolled-back change
/// sends nothing). Users without an email address get no notice.
/// </summary>
public sealed class SecurityNotices(
    TwofoldDbContext db, MailOutbox outbox, AuditContext context, IOptions<AppOptions> app, TimeProvider time)
{
    public const string ForgotPasswordPath = "/login/forgot-password";

    public Task TwoFactorTurnedOffAsync(TwofoldUser user, CancellationToken ct = default) =>
        SendAsync(user, "two-factor-off", "Two-factor authentication was turned off",
            "Two-factor authentication was turned off for your account; signing in now needs only the password.",
            "Your other sessions were signed out.",
            ResetPassword("reset your password at once, then turn two-factor authentication on again in your profile."), ct);

    public Task DeviceResetByAdministratorAsync(TwofoldUser user, TwofoldUser? administrator, CancellationToken ct = default) =>
        SendAsync(user, "device-reset", "Your authenticator was reset by an administrator",
            administrator is null
                ? "An administrator removed the authenticator (mobile device) of your account."
                : $"The administrator {administrator.Login} removed the authenticator (mobile device) of your account.",
            "You have been signed out everywhere. If two-factor authentication applies to you, a separate email brings a new pairing link.",
            ResetPassword("reset your password and tell your administrator."), ct);

    public Task RecoveryCodeUsedAsync(TwofoldUser user, int remaining, CancellationToken ct = default) =>
        SendAsync(user, "recovery-code-used", "A recovery code was used",
            "A recovery code was used to sign in to your account instead of an authentication code.",
            remaining == 1 ? "1 recovery code remains." : $"{remaining} recovery codes remain.",
            ResetPassword("reset your password and regenerate your recovery codes in your profile."), ct);

    /// <param name="byResetLink">True when the password was set through a "Forgot password?" link.</param>
    public Task PasswordChangedAsync(TwofoldUser user, bool byResetLink, CancellationToken ct = default) =>
        SendAsync(user, "password-changed", "Your password was changed",
            byResetLink ? "The password of your account was reset with a link from a \"Forgot password?\" email."
                        : "The password of your account was changed.",
            "Your other sessions were signed out. Two-factor authentication, if on, is unchanged.",
            ResetPassword("reset your password at once and tell your administrator."), ct);

    public Task AccountLockedAsync(TwofoldUser user, LockoutKind kind, DateTimeOffset until, CancellationToken ct = default) =>
        SendAsync(user, "account-locked", "Your account was locked after failed attempts",
            kind == LockoutKind.Password
                ? "Your account was locked after too many wrong passwords."
                : "Your account was locked after too many wrong authentication codes — someone who knows your password may be trying to sign in.",
            $"You can sign in again after {FormText.Utc(until)}.",
            ResetPassword(kind == LockoutKind.Password
                ? "someone may be guessing your password; if you think it is known, reset it."
                : "your password is probably known to someone else: reset it now."), ct);

    private SecurityNoticeMail.Action ResetPassword(string text) =>
        new(text, "Reset your password", app.Value.Link(ForgotPasswordPath));

    private async Task SendAsync(
        TwofoldUser user, string kind, string subject, string happened, string? extra, SecurityNoticeMail.Action notYou, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(user.Email))
        {
            return;
        }

        var operatorCode = await db.Operators.Where(o => o.Id == user.OperatorId).Select(o => o.Code).SingleAsync(ct);
        var mail = SecurityNoticeMail.Create(
            kind, user.Email, subject, $"{operatorCode} / {user.Login}", happened, FormText.Utc(time.GetUtcNow()),
            context.ClientIp is { } ip ? $"from the address {ip}"
                : context.InRequest ? "from an unknown address" : "from the administration tool on the server",
            extra, notYou);
        outbox.Enqueue(db, mail, user.OperatorId, user.Id);
    }
}
