using System.Net;
using Twofold.Totp;
using static Twofold.IntegrationTests.Hostile.HostileRequests;
using Values = System.Collections.Generic.Dictionary<string, string?>;

namespace Twofold.IntegrationTests.Hostile;

/// <summary>One bad request: how to send it, which answers are acceptable, the message a person must see.</summary>
public sealed record HostileCase(string Name, Func<HostileWorld, Task<HttpResponseMessage>> Send, HttpStatusCode[] Expected, string? Message, string? Location = null);

/// <summary>The table of hostile requests (≥ 60), grouped by the page they attack.</summary>
public static class HostileCases
{
    private const HttpStatusCode Bad = HttpStatusCode.BadRequest;
    private const HttpStatusCode Unauthorized = HttpStatusCode.Unauthorized;
    private const HttpStatusCode NotFound = HttpStatusCode.NotFound;
    private const HttpStatusCode Gone = HttpStatusCode.Gone;
    private const HttpStatusCode TooLarge = HttpStatusCode.RequestEntityTooLarge;
    private const HttpStatusCode Found = HttpStatusCode.Found;

    private const string Script = "<script>alert(1)</script>";
    private const string Sql = "' OR '1'='1'; DROP TABLE AspNetUsers; --";
    private const string Hidden = "may not contain control or invisible formatting characters";
    private const string AntiforgeryMessage = "The form was incomplete, expired or not sent by this site";
    private const string TooLargeMessage = "larger than this site accepts";
    private const string NotAsSent = "The form was not sent as this page made it";
    private const string EnterPasswordAgain = "enter your password again";
    private const string LinkNotValid = "The link is not valid";

    public static readonly IReadOnlyList<HostileCase> All = Build();

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    private static List<HostileCase> Build()
    {
        var cases = new List<HostileCase>();
        void Add(string name, Func<HostileWorld, Task<HttpResponseMessage>> send, HttpStatusCode status, string? message, string? location = null) =>
            cases.Add(new HostileCase(name, send, [status], message, location));

        // /login: empty, overlong, hidden characters, SQL and script payloads, off-site return addresses.
        Add("login: empty operator code", w => LoginAsync(w, "", w.Plain.Login, w.Plain.Password), Bad, "Enter your operator code.");
        Add("login: empty login", w => LoginAsync(w, w.Plain.OperatorCode, "", w.Plain.Password), Bad, "Enter your login.");
        Add("login: empty password", w => LoginAsync(w, w.Plain.OperatorCode, w.Plain.Login, ""), Bad, "Enter your password.");
        Add("login: operator code 33 chars", w => LoginAsync(w, new string('A', 33), w.Plain.Login, w.Plain.Password), Bad, "at most 32 characters");
        Add("login: login 65 chars", w => LoginAsync(w, w.Plain.OperatorCode, new string('a', 65), w.Plain.Password), Bad, "at most 64 characters");
        Add("login: password 257 chars", w => LoginAsync(w, w.Plain.OperatorCode, w.Plain.Login, new string('p', 257)), Bad, "at most 256 characters");
        Add("login: control character in login", w => LoginAsync(w, w.Plain.OperatorCode, w.Plain.Login + "\u0001", w.Plain.Password), Bad, Hidden);
        Add("login: bidi override in operator code", w => LoginAsync(w, "\u202E" + w.Plain.OperatorCode, w.Plain.Login, w.Plain.Password), Bad, Hidden);
        Add("login: zero-width space in login", w => LoginAsync(w, w.Plain.OperatorCode, "ad\u200Bmin", w.Plain.Password), Bad, Hidden);
        Add("login: CR/LF in login", w => LoginAsync(w, w.Plain.OperatorCode, w.Plain.Login + "\r\nSet-Cookie: x=1", w.Plain.Password), Bad, Hidden);
        Add("login: SQL in operator code", w => LoginAsync(w, Sql[..30], w.Plain.Login, w.Plain.Password), Unauthorized, Twofold.Login.IndexModel.GenericFailure);
        Add("login: SQL in login", w => LoginAsync(w, w.Plain.OperatorCode, "admin'--", w.Plain.Password), Unauthorized, Twofold.Login.IndexModel.GenericFailure);
        Add("login: SQL as password", w => LoginAsync(w, w.Plain.OperatorCode, w.Plain.Login, Sql), Unauthorized, Twofold.Login.IndexModel.GenericFailure);
        Add("login: script in login", w => LoginAsync(w, w.Plain.OperatorCode, Script, w.Plain.Password), Unauthorized, Twofold.Login.IndexModel.GenericFailure);
        Add("login: script in operator code", w => LoginAsync(w, "<b>x</b>", w.Plain.Login, w.Plain.Password), Unauthorized, Twofold.Login.IndexModel.GenericFailure);
        Add("login: returnUrl //evil.test", w => LoginAsync(w, w.Plain.OperatorCode, w.Plain.Login, w.Plain.Password, "//evil.test"), Found, null, "/");
        Add("login: returnUrl https://evil.test", w => LoginAsync(w, w.Plain.OperatorCode, w.Plain.Login, w.Plain.Password, "https://evil.test/x"), Found, null, "/");
        Add("login: returnUrl /\\evil.test", w => LoginAsync(w, w.Plain.OperatorCode, w.Plain.Login, w.Plain.Password, "/\\evil.test"), Found, null, "/");
        Add("login: returnUrl javascript:", w => LoginAsync(w, w.Plain.OperatorCode, w.Plain.Login, w.Plain.Password, "javascript:alert(1)"), Found, null, "/");
        Add("login: signed-in GET with returnUrl //evil.test", w => w.PlainClient.GetAsync("/login?returnUrl=%2F%2Fevil.test"), Found, null, "/");
        Add("login: signed-in GET with returnUrl /%5Cevil.test", w => w.PlainClient.GetAsync("/login?returnUrl=%2F%5Cevil.test"), Found, null, "/");

        // The code dialog: only six ASCII digits.
        Add("code: 5 digits", w => CodeAsync(w, "12345"), Bad, TotpCode.FormatError);
        Add("code: 7 digits", w => CodeAsync(w, "1234567"), Bad, TotpCode.FormatError);
        Add("code: letters", w => CodeAsync(w, "12a45b"), Bad, TotpCode.FormatError);
        Add("code: space inside", w => CodeAsync(w, "123 456"), Bad, TotpCode.FormatError);
        Add("code: full-width digits", w => CodeAsync(w, "１２３４５６"), Bad, TotpCode.FormatError);
        Add("code: Arabic-Indic digits", w => CodeAsync(w, "١٢٣٤٥٦"), Bad, TotpCode.FormatError);
        Add("code: empty", w => CodeAsync(w, ""), Bad, "Enter the 6-digit code");
        Add("code: 33 characters", w => CodeAsync(w, new string('1', 33)), Bad, TotpCode.FormatError);
        Add("code: script", w => CodeAsync(w, Script), Bad, TotpCode.FormatError);
        Add("code: SQL", w => CodeAsync(w, "1' OR 1=1"), Bad, TotpCode.FormatError);
        Add("code: bidi override", w => CodeAsync(w, "123\u202E456"), Bad, TotpCode.FormatError);
        Add("code: without a password step", w => PostWithTokenAsync(w.NewClient(), "/login", "/login/two-factor", new Values { ["Input.Code"] = "123456" }), Found, null, "/login?expired=True");
        Add("code: step page with returnUrl https://evil.test, no password step", w => w.NewClient().GetAsync("/login/two-factor?returnUrl=https%3A%2F%2Fevil.test"), Found, null, "/login?expired=True");

        // Pairing links: forged, overlong, expired, used, replaced, another user's.
        Add("pair: forged token", w => w.NewClient().GetAsync("/pair?token=" + new string('A', 43)), NotFound, LinkNotValid);
        Add("pair: no token", w => w.NewClient().GetAsync("/pair"), NotFound, LinkNotValid);
        Add("pair: 5000-character token", w => w.NewClient().GetAsync("/pair?token=" + new string('A', 5000)), NotFound, LinkNotValid);
        Add("pair: script as token", w => w.NewClient().GetAsync("/pair?token=" + Uri.EscapeDataString(Script)), NotFound, LinkNotValid);
        Add("pair: SQL as token", w => w.NewClient().GetAsync("/pair?token=" + Uri.EscapeDataString(Sql)), NotFound, LinkNotValid);
        Add("pair: expired token", w => w.NewClient().GetAsync("/pair?token=" + w.ExpiredToken), Gone, "The link has expired.");
        Add("pair: used token", w => w.NewClient().GetAsync("/pair?token=" + w.UsedToken), Gone, "already been used");
        Add("pair: replaced token", w => w.NewClient().GetAsync("/pair?token=" + w.ReplacedToken), Gone, "only the newest link works");
        Add("pair: unlock another user's link with own password", w => UnlockAsync(w, w.WaitingToken, new Values
            { ["Gate.Login"] = w.Plain.Login, ["Gate.Password"] = w.Plain.Password }), Unauthorized, Twofold.Login.IndexModel.GenericFailure);
        Add("pair: unlock with another operator's credentials", w => UnlockAsync(w, w.WaitingToken, new Values
            { ["Gate.OperatorCode"] = w.OtherWaiting.OperatorCode, ["Gate.Login"] = w.OtherWaiting.Login, ["Gate.Password"] = w.OtherWaiting.Password }), Unauthorized, Twofold.Login.IndexModel.GenericFailure);
        Add("pair: unlock posting a forged token", w => UnlockAsync(w, w.WaitingToken, new Values
            { ["Token"] = new string('B', 43), ["Gate.Password"] = w.Waiting.Password }), NotFound, LinkNotValid);
        Add("pair: unlock posting an expired token", w => UnlockAsync(w, w.WaitingToken, new Values
            { ["Token"] = w.ExpiredToken, ["Gate.Password"] = UserStoriesPassword }), Gone, "The link has expired.");
        Add("pair: unlock posting a used token", w => UnlockAsync(w, w.WaitingToken, new Values
            { ["Token"] = w.UsedToken, ["Gate.Password"] = UserStoriesPassword }), Gone, "already been used");
        Add("pair: unlock with empty password", w => UnlockAsync(w, w.WaitingToken, new Values { ["Gate.Password"] = "" }), Bad, "Enter your password.");
        Add("pair: unlock with bidi in login", w => UnlockAsync(w, w.WaitingToken, new Values
            { ["Gate.Login"] = "\u202E" + w.Waiting.Login, ["Gate.Password"] = w.Waiting.Password }), Bad, Hidden);
        Add("pair: unlock with 257-character password", w => UnlockAsync(w, w.WaitingToken, new Values { ["Gate.Password"] = new string('p', 257) }), Bad, "maximum length of 256");
        Add("pair: forged ticket", w => PairAsync(w, w.WaitingToken, "CfDJ8forged", "123456"), Bad, EnterPasswordAgain);
        Add("pair: another user's ticket", w => PairAsync(w, w.OtherWaitingToken, w.WaitingTicket, "123456"), Bad, EnterPasswordAgain);
        Add("pair: ticket without token", w => PairAsync(w, "", w.WaitingTicket, "123456"), NotFound, LinkNotValid);
        Add("pair: full-width code", w => PairAsync(w, w.WaitingToken, w.WaitingTicket, "１２３４５６"), Bad, TotpCode.FormatError);
        Add("pair: 5-digit code", w => PairAsync(w, w.WaitingToken, w.WaitingTicket, "12345"), Bad, TotpCode.FormatError);
        Add("pair: 7-digit code", w => PairAsync(w, w.WaitingToken, w.WaitingTicket, "1234567"), Bad, TotpCode.FormatError);
        Add("pair: code with a space inside", w => PairAsync(w, w.WaitingToken, w.WaitingTicket, "12 3456"), Bad, TotpCode.FormatError);
        Add("pair: script as code", w => PairAsync(w, w.WaitingToken, w.WaitingTicket, Script), Bad, TotpCode.FormatError);

        // /profile (signed in).
        Add("profile: TwoFactor.Use not a boolean", w => SubmitAsync(w.PlainClient, "/profile", "Update", new Values { ["TwoFactor.Use"] = Script }), Bad, "is not valid for Use two factor authentication");
        Add("profile: turn off with full-width code", w => SubmitAsync(w.PairedClient, "/profile", "Update", new Values
            { ["TwoFactor.Use"] = null, ["TwoFactor.ConfirmCode"] = "１２３４５６" }), Bad, TotpCode.FormatError);
        Add("profile: turn off with 257-character password", w => SubmitAsync(w.PairedClient, "/profile", "Update", new Values
            { ["TwoFactor.Use"] = null, ["TwoFactor.ConfirmPassword"] = new string('p', 257) }), Bad, "maximum length of 256");
        Add("profile: turn off without confirmation", w => SubmitAsync(w.PairedClient, "/profile", "Update", new Values { ["TwoFactor.Use"] = null }), Bad, "confirm with your password or a current authentication code");
        Add("profile: new password too short", w => SubmitAsync(w.PlainClient, "/profile", "Change password", new Values
            { ["Password.Current"] = w.Plain.Password, ["Password.New"] = "short", ["Password.Confirm"] = "short" }), Bad, "10 to 256 characters");
        Add("profile: new password 257 characters", w => SubmitAsync(w.PlainClient, "/profile", "Change password", new Values
            { ["Password.Current"] = w.Plain.Password, ["Password.New"] = new string('n', 257), ["Password.Confirm"] = new string('n', 257) }), Bad, "10 to 256 characters");
        Add("profile: confirmation differs", w => SubmitAsync(w.PlainClient, "/profile", "Change password", new Values
            { ["Password.Current"] = w.Plain.Password, ["Password.New"] = "a new long password", ["Password.Confirm"] = "another long password" }), Bad, "do not match");
        Add("profile: SQL as current password", w => SubmitAsync(w.PlainClient, "/profile", "Change password", new Values
            { ["Password.Current"] = Sql, ["Password.New"] = "a new long password", ["Password.Confirm"] = "a new long password" }), Bad, "The current password is not correct.");

        // /users: stored fields, CR/LF (mail header injection), another operator's ids.
        Add("users: script as login", w => CreateUserAsync(w, Script, "x@x.test"), Bad, Twofold.Users.AccountRules.LoginError);
        Add("users: SQL as login", w => CreateUserAsync(w, "x'; DROP TABLE AspNetUsers; --", "x@x.test"), Bad, Twofold.Users.AccountRules.LoginError);
        Add("users: bidi in login", w => CreateUserAsync(w, "\u202Eadmin", "x@x.test"), Bad, Hidden);
        Add("users: login 65 characters", w => CreateUserAsync(w, new string('a', 65), "x@x.test"), Bad, Twofold.Users.AccountRules.LoginError);
        Add("users: empty login and email", w => CreateUserAsync(w, "", ""), Bad, "Enter a login.");
        Add("users: CR/LF Bcc in email", w => CreateUserAsync(w, "victim1", "victim@x.test\r\nBcc: evil@evil.test"), Bad, Hidden);
        Add("users: LF To in email", w => CreateUserAsync(w, "victim2", "victim@x.test\nTo: evil@evil.test"), Bad, Hidden);
        Add("users: two addresses in email", w => CreateUserAsync(w, "victim3", "victim@x.test,evil@evil.test"), Bad, Twofold.Users.AccountRules.EmailError);
        Add("users: display name with address in email", w => CreateUserAsync(w, "victim4", "Evil <evil@evil.test>"), Bad, Twofold.Users.AccountRules.EmailError);
        Add("users: script in email", w => CreateUserAsync(w, "victim5", Script + "@x.test"), Bad, Twofold.Users.AccountRules.EmailError);
        Add("users: email 255 characters", w => CreateUserAsync(w, "victim6", new string('e', 248) + "@x.test"), Bad, Twofold.Users.AccountRules.EmailError);
        Add("users: password 9 characters", w => CreateUserAsync(w, "victim7", "v7@x.test", "123456789"), Bad, "10 to 256 characters");
        Add("users: existing login", w => CreateUserAsync(w, w.Plain.Login, "dup@x.test"), Bad, "already exists");
        Add("users: reset another operator's user", w => PostWithTokenAsync(w.AdminClient, "/users", "/users?handler=Reset", new Values { ["userId"] = w.OtherUserId.ToString() }), NotFound, "There is no page at this address.");
        Add("users: reset with a malformed id", w => PostWithTokenAsync(w.AdminClient, "/users", "/users?handler=Reset", new Values { ["userId"] = Sql }), NotFound, "There is no page at this address.");
        Add("users: resend another operator's failed mail", w => PostWithTokenAsync(w.AdminClient, "/users", "/users?handler=Resend", new Values { ["messageId"] = w.OtherFailedMailId.ToString(System.Globalization.CultureInfo.InvariantCulture) }), NotFound, "There is no page at this address.");
        Add("users: resend a mail id that does not exist", w => PostWithTokenAsync(w.AdminClient, "/users", "/users?handler=Resend", new Values { ["messageId"] = "999999999" }), NotFound, "There is no page at this address.");
        Add("users: resend with a malformed id", w => PostWithTokenAsync(w.AdminClient, "/users", "/users?handler=Resend", new Values { ["messageId"] = Script }), NotFound, "There is no page at this address.");
        Add("users: other operator's admin resends this operator's mail", w => PostWithTokenAsync(w.OtherAdminClient, "/users", "/users?handler=Resend", new Values { ["messageId"] = w.OwnFailedMailId.ToString(System.Globalization.CultureInfo.InvariantCulture) }), NotFound, "There is no page at this address.");
        Add("users: page as a non-administrator", w => w.PlainClient.GetAsync("/users"), Found, null, "/forbidden?ReturnUrl=%2Fusers");

        // Settings.
        Add("settings: ForceTwoFactor not a boolean", w => SubmitAsync(w.AdminClient, "/settings/general", "Save", new Values { ["ForceTwoFactor"] = Script }), Bad, NotAsSent);
        Add("settings: post as a non-administrator", w => PostWithTokenAsync(w.PlainClient, "/profile", "/settings/general", new Values { ["ForceTwoFactor"] = "true", ["Confirmed"] = "true" }), Found, null, "/forbidden?ReturnUrl=%2Fsettings%2Fgeneral");

        // Antiforgery: missing, wrong, another browser's.
        Add("antiforgery: login without token", w => SubmitAsync(w.NewClient(), "/login", "Log in", new Values
            { [AntiforgeryField] = null, ["Input.OperatorCode"] = w.Plain.OperatorCode, ["Input.Login"] = w.Plain.Login, ["Input.Password"] = w.Plain.Password }), Bad, AntiforgeryMessage);
        Add("antiforgery: login with a wrong token", w => SubmitAsync(w.NewClient(), "/login", "Log in", new Values
            { [AntiforgeryField] = "CfDJ8wrong", ["Input.OperatorCode"] = w.Plain.OperatorCode, ["Input.Login"] = w.Plain.Login, ["Input.Password"] = w.Plain.Password }), Bad, AntiforgeryMessage);
        Add("antiforgery: login with another browser's token", async w => await SubmitAsync(w.NewClient(), "/login", "Log in", new Values
            { [AntiforgeryField] = await TokenAsync(w.NewClient(), "/login"), ["Input.OperatorCode"] = w.Plain.OperatorCode, ["Input.Login"] = w.Plain.Login, ["Input.Password"] = w.Plain.Password }), Bad, AntiforgeryMessage);
        Add("antiforgery: profile turn-on without token", w => SubmitAsync(w.PlainClient, "/profile", "Update", new Values { [AntiforgeryField] = null, ["TwoFactor.Use"] = "true" }), Bad, AntiforgeryMessage);
        Add("antiforgery: users create without token", w => SubmitAsync(w.AdminClient, "/users", "Create user", new Values
            { [AntiforgeryField] = null, ["NewUser.Login"] = "csrfuser", ["NewUser.Email"] = "csrf@x.test", ["NewUser.Password"] = "a long enough password" }), Bad, AntiforgeryMessage);
        Add("antiforgery: users reset with another user's token", async w => await PostAsync(w.AdminClient, "/users?handler=Reset",
            [new(AntiforgeryField, await TokenAsync(w.OtherAdminClient, "/users"))], new Values { ["userId"] = Guid.Empty.ToString() }), Bad, AntiforgeryMessage);
        Add("antiforgery: settings without token", w => SubmitAsync(w.AdminClient, "/settings/general", "Save", new Values { [AntiforgeryField] = null, ["ForceTwoFactor"] = "true", ["Confirmed"] = "true" }), Bad, AntiforgeryMessage);
        Add("antiforgery: pairing unlock without token", w => UnlockAsync(w, w.WaitingToken, new Values { [AntiforgeryField] = null, ["Gate.Password"] = UserStoriesPassword }), Bad, AntiforgeryMessage);

        // 1 MB bodies.
        Add("1 MB: login", w => LoginAsync(w, w.Plain.OperatorCode, w.Plain.Login, OneMegabyte), TooLarge, TooLargeMessage);
        Add("1 MB: profile", w => SubmitAsync(w.PlainClient, "/profile", "Update", new Values { ["TwoFactor.ConfirmPassword"] = OneMegabyte, ["TwoFactor.Use"] = "true" }), TooLarge, TooLargeMessage);
        Add("1 MB: users create", w => CreateUserAsync(w, "bigbody", "big@x.test", OneMegabyte), TooLarge, TooLargeMessage);
        Add("1 MB: pairing unlock", w => UnlockAsync(w, w.WaitingToken, new Values { ["Gate.Password"] = OneMegabyte }), TooLarge, TooLargeMessage);
        cases.Add(new HostileCase("1 MB: chunked login body without Content-Length", w => PostChunkedAsync(w.NewClient(), "/login", "/login"), [TooLarge], "larger than this site accepts"));
        return cases;
    }

    private const string UserStoriesPassword = Infrastructure.UserStories.DefaultPassword;
}
