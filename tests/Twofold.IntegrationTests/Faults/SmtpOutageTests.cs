using System.Net;
using Microsoft.EntityFrameworkCore;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.IntegrationTests.Mail;
using Twofold.Mail;

namespace Twofold.IntegrationTests.Faults;

/// <summary>The mail server is down when a user turns two-factor on: nothing is lost, and what gives up is visible and resendable.</summary>
public sealed class SmtpOutageTests(SmtpOutageTests.ThreeAttemptsFactory factory) : IClassFixture<SmtpOutageTests.ThreeAttemptsFactory>
{
    public const int MaxAttempts = 3;

    public sealed class ThreeAttemptsFactory : TwofoldFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            settings["Smtp:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Smtp:FirstRetrySeconds"] = "10";
            settings["Smtp:MaxRetrySeconds"] = "15";
        }
    }

    private readonly UserStories stories = new(factory);

    [Fact]
    public async Task SmtpDown_TurnOn_IsSaved_MailWaitsWithCappedBackoff_ThenArrivesOnce_AndPairs()
    {
        var user = await stories.NewUserAsync();
        var browser = await stories.SignInAsync(user);
        long id;
        await factory.Smtp.StopAsync();
        try
        {
            var updated = await (await browser.GetAsync("/profile")).Form("Update").Check("Use two factor authentication").SubmitAsync();
            Assert.Equal(HttpStatusCode.OK, updated.Status);
            Assert.Contains("A pairing link has been sent", updated.Text, StringComparison.Ordinal);
            Assert.True(await factory.WithDbAsync(db => db.Users.Where(u => u.Login == user.Login).Select(u => u.TwoFactorEnabled).SingleAsync()));
            id = await MailIdOfAsync(user);

            // 10 s, then 20 s capped at 15 s: the back-off grows and stops growing.
            var first = await factory.WaitForOutboxRowAsync(id, r => r.Attempts == 1, "first failed attempt");
            Assert.Equal(OutboxStatus.Queued, first.Status);
            Assert.Equal(factory.Time.GetUtcNow() + TimeSpan.FromSeconds(10), first.NextAttemptAt);
            factory.Time.Advance(TimeSpan.FromSeconds(10));
            var second = await factory.WaitForOutboxRowAsync(id, r => r.Attempts == 2, "second failed attempt");
            Assert.Equal(OutboxStatus.Queued, second.Status);
            Assert.Equal(factory.Time.GetUtcNow() + TimeSpan.FromSeconds(15), second.NextAttemptAt);
            Assert.Empty(factory.Smtp.MessagesTo(user.Email));
        }
        finally
        {
            await factory.Smtp.StartAsync();
        }

        factory.Time.Advance(TimeSpan.FromSeconds(15));
        var mail = await stories.PairingMailAsync(user);
        var sent = await factory.WaitForOutboxRowAsync(id, r => r.Status == OutboxStatus.Sent, "sent once the server is back");
        Assert.Equal(3, sent.Attempts);
        await Task.Delay(500);
        Assert.Single(factory.Smtp.MessagesTo(user.Email));

        // The link in the late mail still works end to end.
        await PairWithTypedKeyAsync(user, mail);
    }

    [Fact]
    public async Task SmtpDown_AfterMaxAttempts_FailedMailIsListedForAdministrators_AndResendDelivers()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var user = await stories.NewUserAsync(admin.OperatorCode);
        var outsider = await stories.NewUserAsync(admin: true);
        long id;
        await factory.Smtp.StopAsync();
        try
        {
            await (await (await stories.SignInAsync(user)).GetAsync("/profile")).Form("Update").Check("Use two factor authentication").SubmitAsync();
            id = await MailIdOfAsync(user);
            for (var attempt = 1; attempt < MaxAttempts; attempt++)
            {
                var row = await factory.WaitForOutboxRowAsync(id, r => r.Attempts == attempt, $"attempt {attempt}");
                factory.Time.Advance(row.NextAttemptAt - factory.Time.GetUtcNow());
            }

            var failed = await factory.WaitForOutboxRowAsync(id, r => r.Status == OutboxStatus.Failed, "failed");
            Assert.Equal(MaxAttempts, failed.Attempts);
        }
        finally
        {
            await factory.Smtp.StartAsync();
        }

        // Failed is final until someone acts.
        factory.Time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(500);
        Assert.Empty(factory.Smtp.MessagesTo(user.Email));

        var row2 = await factory.OutboxRowAsync(id);
        var adminBrowser = await stories.SignInAsync(admin);
        var list = await adminBrowser.GetAsync("/users");
        var section = list.Document.QuerySelector("table.failed-mail")?.TextContent ?? string.Empty;
        Assert.Contains("Failed emails", list.Text, StringComparison.Ordinal);
        Assert.Contains(user.Email, section, StringComparison.Ordinal);
        Assert.Contains(row2.Subject, section, StringComparison.Ordinal);
        Assert.Contains(row2.LastError!, section, StringComparison.Ordinal);
        Assert.Contains(Twofold.Web.FormText.Utc(row2.NextAttemptAt), section, StringComparison.Ordinal);
        Assert.DoesNotContain("token=", list.Html, StringComparison.Ordinal); // never the link of the body

        // Another operator's administrator neither sees nor resends it.
        var outsiderBrowser = await stories.SignInAsync(outsider);
        Assert.DoesNotContain(user.Email, (await outsiderBrowser.GetAsync("/users")).Html, StringComparison.Ordinal);
        var token = await Hostile.HostileRequests.TokenAsync(outsiderBrowser.Client, "/users");
        using (var forged = await outsiderBrowser.Client.PostAsync("/users?handler=Resend", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("messageId", id.ToString(System.Globalization.CultureInfo.InvariantCulture))])))
        {
            Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        }

        Assert.Equal(OutboxStatus.Failed, (await factory.OutboxRowAsync(id)).Status);

        var resent = await list.Form("Resend").SubmitAsync();
        Assert.Equal(HttpStatusCode.OK, resent.Status);
        Assert.Contains("The email was queued again", resent.Text, StringComparison.Ordinal);
        var mail = await stories.PairingMailAsync(user);
        await factory.WaitForOutboxRowAsync(id, r => r.Status == OutboxStatus.Sent, "sent after resend");
        Assert.Null((await adminBrowser.GetAsync("/users")).Document.QuerySelector("table.failed-mail"));
        await PairWithTypedKeyAsync(user, mail);
    }

    /// <summary>
    /// Pairs using the key typed from the page ("Can't scan it?"), not the QR image: these tests are about
    /// the mail arriving intact; QR decoding is covered by the stories.
    /// </summary>
    private async Task PairWithTypedKeyAsync(TestUser user, MimeKit.MimeMessage mail)
    {
        var qrPage = await stories.OpenQrAsync(user, mail);
        var key = qrPage.Document.QuerySelector("code.secret")?.TextContent ?? throw new InvalidOperationException("No key on the page.");
        user.Secret = OtpNet.Base32Encoding.ToBytes(key.Replace(" ", string.Empty, StringComparison.Ordinal));
        var done = await qrPage.Form("Pair device").Fill("Authentication code", stories.CodeNow(user)).SubmitAsync();
        Assert.Contains("Your mobile device is paired", done.Text, StringComparison.Ordinal);
    }

    private Task<long> MailIdOfAsync(TestUser user) =>
        factory.WithDbAsync(async db =>
        {
            var userId = await db.Users.Where(u => u.Login == user.Login && u.Email == user.Email).Select(u => u.Id).SingleAsync();
            return await db.Outbox.Where(m => m.UserId == userId).Select(m => m.Id).SingleAsync();
        });
}
