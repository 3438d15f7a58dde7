using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.IntegrationTests.Mail;
using Twofold.Mail;

namespace Twofold.IntegrationTests.Hostile;

/// <summary>The app with a populated world that every hostile request runs against; built once per class.</summary>
public sealed class HostileFactory : TwofoldFactory
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private HostileWorld? world;

    public async Task<HostileWorld> WorldAsync()
    {
        await gate.WaitAsync();
        try
        {
            return world ??= await HostileWorld.CreateAsync(this);
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>
/// Two operators. In the first: an administrator, a password-only user, a paired user, a user waiting
/// for pairing (link unlocked: a valid ticket), and users whose links are expired, used or replaced.
/// In the second: an administrator, a waiting user and a failed mail. Sessions are signed-in clients.
/// </summary>
public sealed class HostileWorld
{
    private HostileWorld(TwofoldFactory factory) => Factory = factory;

    public TwofoldFactory Factory { get; }

    public required TestUser Admin { get; init; }

    public required TestUser Plain { get; init; }

    public required TestUser Paired { get; init; }

    public required TestUser Waiting { get; init; }

    public required TestUser OtherAdmin { get; init; }

    public required TestUser OtherWaiting { get; init; }

    public required HttpClient AdminClient { get; init; }

    public required HttpClient PlainClient { get; init; }

    public required HttpClient PairedClient { get; init; }

    public required HttpClient OtherAdminClient { get; init; }

    public required string WaitingToken { get; init; }

    public required string WaitingTicket { get; init; }

    public required string OtherWaitingToken { get; init; }

    public required string ExpiredToken { get; init; }

    public required string UsedToken { get; init; }

    public required string ReplacedToken { get; init; }

    public required Guid OtherUserId { get; init; }

    public required long OtherFailedMailId { get; init; }

    public required long OwnFailedMailId { get; init; }

    public required int OperatorId { get; init; }

    public required int OtherOperatorId { get; init; }

    public static async Task<HostileWorld> CreateAsync(TwofoldFactory factory)
    {
        var stories = new UserStories(factory);

        // First, a link that expires: the clock jumps a day before anyone else signs in.
        var op = await factory.CreateOperatorAsync();
        var expiredUser = await stories.NewUserAsync(op);
        var expiredToken = TokenOf(await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(expiredUser), expiredUser));
        factory.Time.Advance(TimeSpan.FromHours(25));

        var admin = await stories.NewUserAsync(op, admin: true);
        var plain = await stories.NewUserAsync(op);
        var paired = await stories.NewUserAsync(op);
        var pairedMail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(paired), paired);
        await stories.PairAsync(paired, pairedMail);
        stories.NextStep();

        var waiting = await stories.NewUserAsync(op);
        var waitingToken = TokenOf(await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(waiting), waiting));
        var qr = await stories.OpenQrAsync(waiting, await stories.PairingMailAsync(waiting));
        var ticket = qr.Form("Pair device").Element.QuerySelector("input[name=Ticket]")?.GetAttribute("value")
            ?? throw new InvalidOperationException("No ticket on the QR page.");

        // Replaced: a newer link (profile's "Send a new pairing link") voids the first one.
        var replaced = await stories.NewUserAsync(op);
        var replacedBrowser = await stories.SignInAsync(replaced);
        var replacedToken = TokenOf(await stories.TurnOnTwoFactorAsync(replacedBrowser, replaced));
        var resent = await (await replacedBrowser.GetAsync("/profile")).Form("Send a new pairing link").SubmitAsync();
        Assert.Contains("A new pairing link has been sent", resent.Text, StringComparison.Ordinal);

        var other = await factory.CreateOperatorAsync();
        var otherAdmin = await stories.NewUserAsync(other, admin: true);
        var otherWaiting = await stories.NewUserAsync(other);
        var otherToken = TokenOf(await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(otherWaiting), otherWaiting));
        var operatorId = await OperatorIdAsync(factory, op);
        var otherOperatorId = await OperatorIdAsync(factory, other);
        var otherUserId = await factory.WithDbAsync(db => db.Users.Where(u => u.OperatorId == otherOperatorId && u.Login == otherWaiting.Login).Select(u => u.Id).SingleAsync());

        var ownFailed = await FailedMailAsync(factory, operatorId, "<img src=x onerror=alert(1)> subject", "<script>alert('error')</script>");
        var otherFailed = await FailedMailAsync(factory, otherOperatorId, "Other operator's mail", "SmtpCommandException: 550 mailbox unavailable");

        return new HostileWorld(factory)
        {
            Admin = admin,
            Plain = plain,
            Paired = paired,
            Waiting = waiting,
            OtherAdmin = otherAdmin,
            OtherWaiting = otherWaiting,
            AdminClient = (await stories.SignInAsync(admin)).Client,
            PlainClient = (await stories.SignInAsync(plain)).Client,
            PairedClient = (await stories.SignInAsync(paired)).Client,
            OtherAdminClient = (await stories.SignInAsync(otherAdmin)).Client,
            WaitingToken = waitingToken,
            WaitingTicket = ticket,
            OtherWaitingToken = otherToken,
            ExpiredToken = expiredToken,
            UsedToken = TokenOf(pairedMail),
            ReplacedToken = replacedToken,
            OtherUserId = otherUserId,
            OtherFailedMailId = otherFailed,
            OwnFailedMailId = ownFailed,
            OperatorId = operatorId,
            OtherOperatorId = otherOperatorId,
        };
    }

    public HttpClient NewClient() => Factory.CreateBrowserClient();

    /// <summary>
    /// Everything a hostile request could change, both operators: users (identity, email, flags,
    /// password, stamp), authenticators, links, outbox, settings. Attempt counters are left out on purpose:
    /// counting a refused attempt is the protection, not a change.
    /// </summary>
    public Task<string> FingerprintAsync() =>
        Factory.WithDbAsync(async db =>
        {
            int[] ops = [OperatorId, OtherOperatorId];
            var operators = await db.Operators.AsNoTracking().Where(o => ops.Contains(o.Id)).OrderBy(o => o.Id)
                .Select(o => $"{o.Id}:{o.Code}:{o.Name}:{o.ForceTwoFactor}").ToListAsync();
            var users = await db.Users.AsNoTracking().Where(u => ops.Contains(u.OperatorId)).OrderBy(u => u.Login)
                .Select(u => $"{u.Id}:{u.Login}:{u.Email}:{u.IsAdministrator}:{u.TwoFactorEnabled}:{u.PasswordHash}:{u.SecurityStamp}").ToListAsync();
            var userIds = await db.Users.AsNoTracking().Where(u => ops.Contains(u.OperatorId)).Select(u => u.Id).ToListAsync();
            var authenticators = await db.Authenticators.AsNoTracking().Where(a => userIds.Contains(a.UserId)).OrderBy(a => a.Id)
                .Select(a => $"{a.Id}:{a.UserId}:{a.Status}").ToListAsync();
            var tokens = (await db.PairingTokens.AsNoTracking().Where(t => userIds.Contains(t.UserId)).ToListAsync())
                .OrderBy(t => t.Id).Select(t => $"{t.Id}:{t.ConsumedAt}:{t.RevokedAt}").ToList();
            var outbox = (await db.Outbox.AsNoTracking().Where(m => m.OperatorId != null && ops.Contains(m.OperatorId.Value)).ToListAsync())
                .OrderBy(m => m.Id).Select(m => $"{m.Id}:{m.ToAddress}:{(m.Status == OutboxStatus.Failed ? "failed" : "queued-or-sent")}").ToList();
            return string.Join("\n", operators.Concat(users).Concat(authenticators).Concat(tokens).Concat(outbox));
        });

    private static string TokenOf(MimeKit.MimeMessage mail)
    {
        var link = UserStories.PairingLinkOf(mail) ?? throw new InvalidOperationException("No pairing link.");
        return System.Web.HttpUtility.ParseQueryString(new Uri(link).Query)["token"] ?? throw new InvalidOperationException("No token.");
    }

    private static Task<int> OperatorIdAsync(TwofoldFactory factory, string code) =>
        factory.WithDbAsync(db => db.Operators.Where(o => o.Code == code).Select(o => o.Id).SingleAsync());

    /// <summary>A mail that gave up: built by the outbox's own Enqueue, saved already in the state the dispatcher leaves.</summary>
    private static Task<long> FailedMailAsync(TwofoldFactory factory, int operatorId, string subject, string error) =>
        factory.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<TwofoldDbContext>();
            var mail = OutboxTestMail.Create("hostile-test");
            var message = sp.GetRequiredService<MailOutbox>().Enqueue(db, mail.Email with { Subject = subject, ToAddress = "nobody@invalid.test" }, operatorId);
            message.Status = OutboxStatus.Failed;
            message.Attempts = 8;
            message.LastError = error;
            await db.SaveChangesAsync();
            return message.Id;
        });

    public static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther;
}
