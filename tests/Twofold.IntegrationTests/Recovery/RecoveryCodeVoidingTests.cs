using System.Net;
using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.IntegrationTests.Audit;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Recovery;

/// <summary>Recovery codes belong to a pairing: an administrator's reset and turning two-factor off void them; the next pairing issues a new set.</summary>
public sealed class RecoveryCodeVoidingTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);
    private RecoveryStories Recovery => new(factory, stories);

    [Fact]
    public async Task AdminReset_VoidsRecoveryCodesWithTheDevice_OldCodeRefusedAfterRepairing_AuditAndNoticesUnchanged()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var (user, oldCodes) = await Recovery.PairedUserAsync(admin.OperatorCode);
        var userId = await Recovery.UserIdAsync(user);
        Assert.Equal(10, await CodeRowsAsync(userId));
        var adminBrowser = await stories.SignInAsync(admin);
        var auditBefore = (await AuditRows.ForOperatorAsync(factory, user.OperatorCode)).Count;
        var mailsBefore = factory.Smtp.Messages.Count;

        var reset = await (await adminBrowser.GetAsync("/users")).Form("Reset two-factor").SubmitAsync();
        Assert.Contains("was reset", reset.Text, StringComparison.Ordinal);

        // Device and codes are gone together.
        Assert.Equal(0, await CodeRowsAsync(userId));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Authenticators.CountAsync(a => a.UserId == userId && a.Status == Data.AuthenticatorStatus.Paired)));

        // The audit trail and the mails are those of a reset, nothing about recovery codes.
        var events = (await AuditRows.ForOperatorAsync(factory, user.OperatorCode)).Skip(auditBefore).Select(e => e.Type).ToList();
        Assert.Equal(new[] { AuditEventType.PairingLinkSent, AuditEventType.TwoFactorReset }.Order(), events.Order());
        var link = await stories.PairingMailAsync(user, mailsBefore);
        await factory.Smtp.WaitForMessageAsync(m => SmtpSink.IsTo(m, user.Email) && m.Subject == "Your authenticator was reset by an administrator");
        await Task.Delay(300);
        Assert.Equal(2, factory.Smtp.Messages.Skip(mailsBefore).Count(m => SmtpSink.IsTo(m, user.Email)));

        // Re-pairing issues a new set; an old code no longer signs in, a new one does.
        stories.NextStep();
        var newCodes = RecoveryStories.CodesOn(await stories.PairAsync(user, link));
        Assert.Equal(10, newCodes.Count);
        Assert.Empty(newCodes.Intersect(oldCodes));
        Assert.Equal(10, await CodeRowsAsync(userId));
        await AssertOldCodeRefusedNewCodeWorksAsync(user, oldCodes[0], newCodes[0]);
    }

    [Fact]
    public async Task TurningTwoFactorOff_VoidsRecoveryCodes_OffOnRepair_OldCodeRefused_AuditAndNoticesUnchanged()
    {
        var (user, oldCodes) = await Recovery.PairedUserAsync();
        var userId = await Recovery.UserIdAsync(user);
        var browser = await stories.SignInAsync(user);
        stories.NextStep();
        var auditBefore = (await AuditRows.ForLoginAsync(factory, user.OperatorCode, user.Login)).Count;
        var mailsBefore = factory.Smtp.Messages.Count;

        var off = await (await browser.GetAsync("/profile")).Form("Update")
            .Check("Use two factor authentication", false).Fill("Your password", user.Password).SubmitAsync();
        Assert.Contains("Two-factor authentication is off", off.Text, StringComparison.Ordinal);
        Assert.Equal(0, await CodeRowsAsync(userId));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Authenticators.CountAsync(a => a.UserId == userId)));
        var events = (await AuditRows.ForLoginAsync(factory, user.OperatorCode, user.Login)).Skip(auditBefore).Select(e => e.Type).ToList();
        Assert.Equal([AuditEventType.TwoFactorDisabled], events);
        await factory.Smtp.WaitForMessageAsync(m => SmtpSink.IsTo(m, user.Email) && m.Subject == "Two-factor authentication was turned off");
        await Task.Delay(300);
        Assert.Single(factory.Smtp.Messages.Skip(mailsBefore), m => SmtpSink.IsTo(m, user.Email));

        // On again and paired again: a new set; the old one stays void.
        var mail = await stories.TurnOnTwoFactorAsync(browser, user);
        stories.NextStep();
        var newCodes = RecoveryStories.CodesOn(await stories.PairAsync(user, mail));
        Assert.Equal(10, newCodes.Count);
        Assert.Empty(newCodes.Intersect(oldCodes));
        Assert.Equal(10, await CodeRowsAsync(userId));
        await AssertOldCodeRefusedNewCodeWorksAsync(user, oldCodes[1], newCodes[1]);
    }

    private Task<int> CodeRowsAsync(Guid userId) =>
        factory.WithDbAsync(db => db.RecoveryCodes.CountAsync(c => c.UserId == userId));

    private async Task AssertOldCodeRefusedNewCodeWorksAsync(TestUser user, string oldCode, string newCode)
    {
        var refused = await Recovery.SignInWithRecoveryCodeAsync(user, oldCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("not correct or has already been used", refused.Text, StringComparison.Ordinal);
        Assert.False(refused.HasButton("Log out"));

        var accepted = await Recovery.SignInWithRecoveryCodeAsync(user, newCode);
        Assert.True(accepted.HasButton("Log out"));
        Assert.Contains("You have 9 recovery code(s) left", RecoveryStories.Squash(accepted), StringComparison.Ordinal);
    }
}
