using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Twofold.Audit;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Audit;

/// <summary>Each security event leaves a row with who, when, from where — and never a password, code, secret or token.</summary>
public sealed class AuditTrailTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private const string ClientIp = "203.0.113.7";
    private static readonly string UserAgent = "AuditTest/1.0 (" + new string('x', 300) + ")";

    private readonly UserStories stories = new(factory);

    /// <summary>A browser behind a proxy that reports the client's address, with a long user agent.</summary>
    private Browser TaggedBrowser()
    {
        var browser = stories.NewBrowser();
        browser.Client.DefaultRequestHeaders.Add("X-Forwarded-For", ClientIp);
        browser.Client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", UserAgent);
        return browser;
    }

    [Fact]
    public async Task EverySecurityEvent_IsRecorded_WithClientAndActor_AndNoSecretAppears()
    {
        var op = await factory.CreateOperatorAsync();
        var admin = await stories.NewUserAsync(op, admin: true);
        var user = await stories.NewUserAsync(op);
        var secrets = new List<string> { user.Password, admin.Password };

        // Sign-in failed (password), then succeeded with the password only.
        const string WrongPassword = "wrong password 4711";
        secrets.Add(WrongPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, (await UserStories.SubmitPasswordAsync(TaggedBrowser(), user, WrongPassword)).Status);
        var browser = TaggedBrowser();
        Assert.True((await UserStories.SubmitPasswordAsync(browser, user)).HasButton("Log out"));

        // Two-factor on, pairing link sent and used, device paired.
        var mail = await stories.TurnOnTwoFactorAsync(browser, user);
        secrets.Add(TokenOf(UserStories.PairingLinkOf(mail)!));
        await stories.PairAsync(user, mail, TaggedBrowser());
        secrets.Add(Base32Encoding.ToString(user.Secret!));

        // Sign-in failed (code), then succeeded with the code.
        stories.NextStep();
        var session = TaggedBrowser();
        var dialog = await UserStories.SubmitPasswordAsync(session, user);
        var right = stories.CodeNow(user);
        var wrong = ((int.Parse(right, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        secrets.AddRange([right, wrong]);
        dialog = await UserStories.SubmitCodeAsync(dialog, wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, dialog.Status);
        Assert.True((await UserStories.SubmitCodeAsync(dialog, right)).HasButton("Log out"));

        // Password changed.
        const string NewPassword = "a brand new password 1";
        secrets.Add(NewPassword);
        var changed = await (await session.GetAsync("/profile")).Form("Change password")
            .Fill("Current password", user.Password).Fill("New password", NewPassword).Fill("Confirm new password", NewPassword).SubmitAsync();
        Assert.Contains("Your password has been changed", changed.Text, StringComparison.Ordinal);
        user = user with { Password = NewPassword };

        // Two-factor off (confirmed with the password), then on again and paired again.
        var off = await (await session.GetAsync("/profile")).Form("Update")
            .Check("Use two factor authentication", false).Fill("Your password", user.Password).SubmitAsync();
        Assert.Contains("Two-factor authentication is off", off.Text, StringComparison.Ordinal);
        var again = await stories.TurnOnTwoFactorAsync(session, user);
        secrets.Add(TokenOf(UserStories.PairingLinkOf(again)!));
        stories.NextStep(); // the sign-in code used this step
        await stories.PairAsync(user, again, TaggedBrowser());
        secrets.Add(Base32Encoding.ToString(user.Secret!));

        // An administrator resets the device (a new pairing link goes out), forces and unforces two-factor.
        var adminBrowser = TaggedBrowser();
        Assert.True((await UserStories.SubmitPasswordAsync(adminBrowser, admin)).HasButton("Log out"));
        var mailsBefore = factory.Smtp.Messages.Count;
        var reset = await (await adminBrowser.GetAsync("/users")).Form("Reset two-factor").SubmitAsync();
        Assert.Contains("was reset", reset.Text, StringComparison.Ordinal);
        var resetLink = await stories.PairingMailAsync(user, mailsBefore);
        secrets.Add(TokenOf(UserStories.PairingLinkOf(resetLink)!));
        mailsBefore = factory.Smtp.Messages.Count;
        var general = await (await adminBrowser.GetAsync("/settings/general")).Form("Save").Check("Force two factor authentication for all users").SubmitAsync();
        general = await general.Form("Save").SubmitAsync(); // the administrator has no paired device: confirm
        Assert.Contains("now required for all users", general.Text, StringComparison.Ordinal);
        var forcedLink = await stories.PairingMailAsync(user, mailsBefore); // replaces the link from the reset
        secrets.Add(TokenOf(UserStories.PairingLinkOf(forcedLink)!));
        var unforced = await (await adminBrowser.GetAsync("/settings/general")).Form("Save").Check("Force two factor authentication for all users", false).SubmitAsync();
        Assert.Contains("profile choice applies again", unforced.Text, StringComparison.Ordinal);

        // Forgot password: requested and used.
        var forgot = await (await TaggedBrowser().GetAsync("/login/forgot-password")).Form("Send reset link")
            .Fill("Operator code", user.OperatorCode).Fill("Login", user.Login).SubmitAsync();
        Assert.Equal(HttpStatusCode.OK, forgot.Status);
        var resetMail = await factory.Smtp.WaitForMessageAsync(m => SmtpSink.IsTo(m, user.Email) && m.Subject == "Reset your Twofold password");
        var resetUrl = ForgotPasswordTests.ResetLinkOf(resetMail);
        secrets.Add(TokenOf(resetUrl));
        const string ResetPassword = "reset password 0815";
        secrets.Add(ResetPassword);
        var done = await (await TaggedBrowser().GetAsync(resetUrl)).Form("Set new password")
            .Fill("New password", ResetPassword).Fill("Confirm new password", ResetPassword).SubmitAsync();
        Assert.Contains("Your password has been changed", done.Text, StringComparison.Ordinal);

        // The newest pairing link expires unused; opening it afterwards is recorded.
        factory.Time.Advance(TimeSpan.FromHours(25));
        var expired = await TaggedBrowser().GetAsync(UserStories.PairingLinkOf(forcedLink)!);
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Contains("expired", expired.Text, StringComparison.Ordinal);

        var rows = await AuditRows.ForLoginAsync(factory, op, user.Login);
        var types = rows.Select(r => r.Type).ToHashSet();
        AuditEventType[] expected =
        [
            AuditEventType.SignInFailedPassword, AuditEventType.SignInSucceeded, AuditEventType.TwoFactorEnabled,
            AuditEventType.PairingLinkSent, AuditEventType.PairingLinkUsed, AuditEventType.DevicePaired,
            AuditEventType.SignInFailedCode, AuditEventType.PasswordChanged, AuditEventType.TwoFactorDisabled,
            AuditEventType.TwoFactorReset, AuditEventType.PasswordResetRequested, AuditEventType.PasswordReset,
            AuditEventType.PairingLinkExpired,
        ];
        Assert.All(expected, t => Assert.Contains(t, types));
        Assert.Equal(2, rows.Count(r => r.Type == AuditEventType.DevicePaired));
        Assert.Contains(rows, r => r.Type == AuditEventType.SignInSucceeded && r.Detail == "password and code");

        var resetRow = rows.Single(r => r.Type == AuditEventType.TwoFactorReset);
        Assert.Equal(admin.Login, resetRow.ActorLogin);
        Assert.Equal(user.Login, resetRow.Login);

        var all = await AuditRows.ForOperatorAsync(factory, op);
        var forced = all.Single(r => r.Type == AuditEventType.TwoFactorForced);
        Assert.Equal(admin.Login, forced.ActorLogin);
        Assert.Null(forced.UserId);
        Assert.Single(all, r => r.Type == AuditEventType.TwoFactorUnforced);

        // Time from the app's clock (UTC), client address through the proxy header, user agent cut to 200.
        Assert.All(all, r => Assert.Equal(TimeSpan.Zero, r.At.Offset));
        Assert.All(all, r => Assert.InRange(r.At, TwofoldFactory.StartTime, factory.Time.GetUtcNow()));
        var fromBrowser = all.Where(r => r.ClientIp is not null).ToList();
        Assert.NotEmpty(fromBrowser);
        Assert.All(fromBrowser, r => Assert.Equal(ClientIp, r.ClientIp));
        Assert.All(fromBrowser, r => Assert.Equal(UserAgent[..AuditEvent.UserAgentMaxLength], r.UserAgent));

        await AuditRows.AssertNoneContainAsync(factory, secrets);
    }

    [Fact]
    public async Task Lockouts_AreRecorded_ForPasswordsAndCodes()
    {
        var op = await factory.CreateOperatorAsync();
        var guessed = await stories.NewUserAsync(op);
        var secrets = new List<string> { guessed.Password };
        for (var i = 0; i < 10; i++)
        {
            var guess = $"guess number {i} abc";
            secrets.Add(guess);
            await UserStories.SubmitPasswordAsync(TaggedBrowser(), guessed, guess);
        }

        var locked = await UserStories.SubmitPasswordAsync(TaggedBrowser(), guessed);
        Assert.Equal((HttpStatusCode)423, locked.Status);
        var rows = await AuditRows.ForLoginAsync(factory, op, guessed.Login);
        Assert.Single(rows, r => r.Type == AuditEventType.PasswordLockout);
        Assert.Equal(10, rows.Count(r => r.Type == AuditEventType.SignInFailedPassword && r.Detail == "wrong password"));
        Assert.Contains(rows, r => r.Type == AuditEventType.SignInFailedPassword && r.Detail == "account locked");

        var paired = await stories.NewUserAsync(op);
        await stories.PairAsync(paired, await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(paired), paired));
        stories.NextStep();
        var dialog = await UserStories.SubmitPasswordAsync(TaggedBrowser(), paired);
        var right = stories.CodeNow(paired);
        for (var i = 1; i <= 5; i++)
        {
            var wrong = ((int.Parse(right, System.Globalization.CultureInfo.InvariantCulture) + i) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            secrets.Add(wrong);
            dialog = await UserStories.SubmitCodeAsync(dialog, wrong);
        }

        Assert.Equal((HttpStatusCode)423, dialog.Status);
        rows = await AuditRows.ForLoginAsync(factory, op, paired.Login);
        Assert.Single(rows, r => r.Type == AuditEventType.CodeLockout);
        Assert.Equal(4, rows.Count(r => r.Type == AuditEventType.SignInFailedCode && r.Detail == "wrong code"));

        // An unknown login of a known operator is recorded without the typed text.
        const string TypedByMistake = "my secret password typed as login";
        await UserStories.SubmitPasswordAsync(TaggedBrowser(), guessed with { Login = "nobody-here" }, TypedByMistake);
        var unknown = (await AuditRows.ForOperatorAsync(factory, op)).Last();
        Assert.Equal(AuditEventType.SignInFailedPassword, unknown.Type);
        Assert.Null(unknown.Login);
        Assert.Equal("unknown login", unknown.Detail);
        secrets.AddRange([TypedByMistake, "nobody-here"]);
        await AuditRows.AssertNoneContainAsync(factory, secrets);
    }

    [Fact]
    public async Task AuditRow_IsWrittenInTheSameTransaction_AsTheChange()
    {
        // A change that is rolled back leaves no row: record, then throw before SaveChanges.
        var user = await stories.NewUserAsync();
        var before = (await AuditRows.ForLoginAsync(factory, user.OperatorCode, user.Login)).Count;
        await factory.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<Data.TwofoldDbContext>();
            var log = sp.GetRequiredService<AuditLog>();
            var stored = await db.Users.SingleAsync(u => u.Login == user.Login);
            await using var tx = await db.Database.BeginTransactionAsync();
            stored.Email = "changed@example.test";
            log.Record(AuditEventType.SettingsChanged, stored, detail: "test");
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        });
        Assert.Equal(before, (await AuditRows.ForLoginAsync(factory, user.OperatorCode, user.Login)).Count);
    }

    private static string TokenOf(string link) => System.Web.HttpUtility.ParseQueryString(new Uri(link).Query)["token"]!;
}
