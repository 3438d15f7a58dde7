using System.Net;
using Microsoft.EntityFrameworkCore;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Recovery;

namespace Twofold.IntegrationTests.Recovery;

/// <summary>Forcing with a grace period: sessions and a banner until the deadline, one reminder 24 h before, compliance list.</summary>
public sealed class GracePeriodTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);
    private RecoveryStories Recovery => new(factory, stories);

    private static bool IsReminder(MimeKit.MimeMessage m) => m.TextBody?.Contains("Reminder: your operator", StringComparison.Ordinal) == true;

    [Fact]
    public async Task GracePeriod_SignInWithBanner_PairNow_OneReminder_ThenNoSessionAfterDeadline()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var alice = await stories.NewUserAsync(admin.OperatorCode);
        var adminBrowser = await stories.SignInAsync(admin);
        var forcedAt = factory.Time.GetUtcNow();
        var saved = await RecoveryStories.SaveSettingsAsync(adminBrowser, force: true, graceHours: 72);
        Assert.Contains("can still sign in for 72 hour(s)", saved.Text, StringComparison.Ordinal);
        var deadline = forcedAt.AddHours(72);

        // Compliance while forcing: nobody paired yet; both listed with the deadline and a resend button.
        Assert.Contains("0 of 2", saved.Document.GetElementById("compliance-count")!.TextContent, StringComparison.Ordinal);
        var rows = saved.Document.QuerySelectorAll("table.users tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r.Contains(alice.Login, StringComparison.Ordinal) && r.Contains(Web.FormText.Utc(deadline), StringComparison.Ordinal));

        // During the grace period: a session, with a banner naming the deadline and "Pair now".
        var browser = stories.NewBrowser();
        var home = await UserStories.SubmitPasswordAsync(browser, alice);
        Assert.True(home.HasButton("Log out"));
        Assert.Contains($"Pair your mobile device before {Web.FormText.Utc(deadline)}", RecoveryStories.Squash(home), StringComparison.Ordinal);
        var before = factory.Smtp.Messages.Count;
        var pairNow = await home.Form("Pair now").SubmitAsync();
        Assert.Contains("A new pairing link has been sent", pairNow.Text, StringComparison.Ordinal);
        await stories.PairingMailAsync(alice, before);

        // No reminder before the last 24 h; exactly one after, however often the scan runs.
        factory.Time.Advance(TimeSpan.FromHours(47));
        Assert.Equal(0, await Recovery.ServiceAsync<int, GraceReminders>(r => r.QueueDueAsync()));
        Assert.DoesNotContain(factory.Smtp.MessagesTo(alice.Email), IsReminder);
        factory.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(30)); // the background scan runs on the fake clock
        var reminder = await factory.Smtp.WaitForMessageAsync(m => SmtpSink.IsTo(m, alice.Email) && IsReminder(m));
        await factory.Smtp.WaitForMessageAsync(m => SmtpSink.IsTo(m, admin.Email) && IsReminder(m)); // the admin has not paired either
        Assert.Contains(Web.FormText.Utc(deadline), reminder.TextBody, StringComparison.Ordinal);
        Assert.NotNull(UserStories.PairingLinkOf(reminder));
        Assert.Equal(0, await Recovery.ServiceAsync<int, GraceReminders>(r => r.QueueDueAsync()));
        factory.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await Recovery.ServiceAsync<int, GraceReminders>(r => r.QueueDueAsync()));
        await Task.Delay(300);
        Assert.Single(factory.Smtp.MessagesTo(alice.Email), IsReminder);
        var aliceId = await Recovery.UserIdAsync(alice);
        Assert.Equal(deadline, await factory.WithDbAsync(db => db.Users.Where(u => u.Id == aliceId).Select(u => u.GraceReminderDeadline).SingleAsync()));

        // After the deadline: the usual "pair first" answer, no session.
        factory.Time.Advance(deadline - factory.Time.GetUtcNow() + TimeSpan.FromMinutes(1));
        var after = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), alice);
        Assert.False(after.HasButton("Log out"));
        Assert.Contains("A pairing link has been sent", after.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GracePeriodOf24HoursOrLess_SendsNoReminder()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var dave = await stories.NewUserAsync(admin.OperatorCode);
        var saved = await RecoveryStories.SaveSettingsAsync(await stories.SignInAsync(admin), force: true, graceHours: 24);
        Assert.Contains("can still sign in for 24 hour(s)", saved.Text, StringComparison.Ordinal);
        Assert.True((await UserStories.SubmitPasswordAsync(stories.NewBrowser(), dave)).HasButton("Log out"));

        // A reminder "24 h before" would go out at the moment of forcing: none, before or after the deadline.
        Assert.Equal(0, await Recovery.ServiceAsync<int, GraceReminders>(r => r.QueueDueAsync()));
        factory.Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await Recovery.ServiceAsync<int, GraceReminders>(r => r.QueueDueAsync()));
        factory.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await Recovery.ServiceAsync<int, GraceReminders>(r => r.QueueDueAsync()));
        await Task.Delay(300);
        Assert.DoesNotContain(factory.Smtp.MessagesTo(dave.Email), IsReminder);
        Assert.False((await UserStories.SubmitPasswordAsync(stories.NewBrowser(), dave)).HasButton("Log out"));
    }

    [Fact]
    public async Task Compliance_CountsPaired_ResendIsOperatorScoped_ZeroGraceBlocksAtOnce()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var (bob, _) = await Recovery.PairedUserAsync(admin.OperatorCode);
        var carol = await stories.NewUserAsync(admin.OperatorCode);
        var outsider = await stories.NewUserAsync();
        var adminBrowser = await stories.SignInAsync(admin);
        var saved = await RecoveryStories.SaveSettingsAsync(adminBrowser, force: true);
        Assert.Contains("1 of 3", saved.Document.GetElementById("compliance-count")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(bob.Login, saved.Document.QuerySelector("table.users")!.TextContent, StringComparison.Ordinal);

        // Grace 0: Carol gets no session.
        var blocked = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), carol);
        Assert.False(blocked.HasButton("Log out"));

        // Resend to Carol from the list.
        var before = factory.Smtp.Messages.Count;
        var row = saved.Document.QuerySelectorAll("table.users tbody tr").Single(r => r.TextContent.Contains(carol.Login, StringComparison.Ordinal));
        var userId = row.QuerySelector("input[name=userId]")!.GetAttribute("value")!;
        var form = saved.Form("Save"); // any form of the page carries the antiforgery token
        var token = form.Element.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var resent = await adminBrowser.PostAsync("/settings/general?handler=Resend", [new("userId", userId), new("__RequestVerificationToken", token)]);
        Assert.Contains("A new pairing link has been sent", resent.Text, StringComparison.Ordinal);
        await stories.PairingMailAsync(carol, before);

        // Another operator's user id is not found; no antiforgery token, no action.
        var outsiderId = await Recovery.UserIdAsync(outsider);
        var foreign = await adminBrowser.PostAsync("/settings/general?handler=Resend", [new("userId", outsiderId.ToString()), new("__RequestVerificationToken", token)]);
        Assert.Equal(HttpStatusCode.NotFound, foreign.Status);
        var noToken = await adminBrowser.Client.PostAsync("/settings/general?handler=Resend", new FormUrlEncodedContent([new("userId", userId)]));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        await Task.Delay(300);
        Assert.DoesNotContain(factory.Smtp.Messages.Skip(before), m => SmtpSink.IsTo(m, outsider.Email));
    }
}
