using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Totp;
using Twofold.Web;

namespace Twofold.Pairing;

public enum PairingStep
{
    PasswordGate,
    ScanCode,
    Paired,
    LinkInvalid,
}

/// <summary>
/// The page behind "Pair your mobile device with Twofold!". Shows a secret, so every answer is
/// no-store; the token travels in the query of the GET (it is a one-time token) and in hidden
/// fields of the posts.
/// </summary>
[AllowAnonymous]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class IndexModel(PairingService pairing, QrCodeRenderer qr) : PageModel
{
    [BindProperty(SupportsGet = true)]
    [StringLength(64)]
    public string? Token { get; set; }

    [BindProperty]
    public GateInput Gate { get; set; } = new();

    [BindProperty]
    [StringLength(2048)]
    public string? Ticket { get; set; }

    [BindProperty]
    [Display(Name = "Authentication code")]
    [StringLength(32, ErrorMessage = TotpCode.FormatError)]
    public string? Code { get; set; }

    public PairingStep Step { get; private set; } = PairingStep.PasswordGate;

    public LinkState LinkState { get; private set; }

    public PairingSecret? Secret { get; private set; }

    public string? QrDataUri { get; private set; }

    public DateTimeOffset? LockedUntil { get; private set; }

    /// <summary>Shown once, right after pairing.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    public sealed class GateInput
    {
        [Display(Name = "Operator code")]
        [StringLength(32)]
        public string OperatorCode { get; set; } = string.Empty;

        [Display(Name = "Login")]
        [StringLength(64)]
        public string Login { get; set; } = string.Empty;

        [Display(Name = "Password")]
        [StringLength(256)]
        [DataType(DataType.Password)]
        public string Password { get; set; } = string.Empty;
    }

    /// <summary>Opening the link only reads: a mail scanner that pre-opens it changes nothing.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var link = await pairing.OpenAsync(Token, ct);
        if (link.State != LinkState.Valid)
        {
            return Invalid(link.State);
        }

        Gate = new GateInput { OperatorCode = link.OperatorCode!, Login = link.Login! };
        return Page();
    }

    public async Task<IActionResult> OnPostUnlockAsync(CancellationToken ct)
    {
        if (FormText.HasHiddenCharacters(Gate.OperatorCode) || FormText.HasHiddenCharacters(Gate.Login))
        {
            ModelState.AddModelError(string.Empty, "The operator code and login may not contain control or invisible formatting characters.");
        }

        if (string.IsNullOrEmpty(Gate.Password))
        {
            ModelState.AddModelError("Gate.Password", "Enter your password.");
        }

        if (!ModelState.IsValid)
        {
            return await GateAgainAsync(StatusCodes.Status400BadRequest, ct);
        }

        var result = await pairing.UnlockAsync(Token, Gate.OperatorCode.Trim(), Gate.Login.Trim(), Gate.Password, ct);
        switch (result.Outcome)
        {
            case UnlockOutcome.Unlocked:
                return ShowSecret(result.Secret!, StatusCodes.Status200OK);
            case UnlockOutcome.LinkInvalid:
                return Invalid(result.LinkState);
            case UnlockOutcome.LockedOut:
                LockedUntil = result.LockedUntil;
                return await GateAgainAsync(StatusCodes.Status423Locked, ct);
            default:
                ModelState.AddModelError(string.Empty, Login.IndexModel.GenericFailure);
                return await GateAgainAsync(StatusCodes.Status401Unauthorized, ct);
        }
    }

    public async Task<IActionResult> OnPostPairAsync(CancellationToken ct)
    {
        var code = 0;
        if (ModelState.IsValid && !TotpCode.TryParse(Code, out code))
        {
            ModelState.AddModelError(nameof(Code), TotpCode.FormatError);
        }

        var result = await pairing.PairAsync(Token, Ticket, code, validCode: ModelState.IsValid, ct);
        switch (result.Outcome)
        {
            case PairOutcome.Paired:
                Step = PairingStep.Paired;
                RecoveryCodes = result.RecoveryCodes ?? [];
                return Page();
            case PairOutcome.LinkInvalid:
                return Invalid(result.LinkState);
            case PairOutcome.TicketExpired:
                ModelState.AddModelError(string.Empty, "For your security, enter your password again before pairing.");
                return await GateAgainAsync(StatusCodes.Status400BadRequest, ct);
            case PairOutcome.ReplayedCode:
                return ShowSecret(result.Secret!, StatusCodes.Status400BadRequest, "This code has already been used. Wait for the next code to appear in your app.");
            case PairOutcome.ClockDrift:
                return ShowSecret(result.Secret!, StatusCodes.Status400BadRequest, Totp.ClockDrift.Message(result.DriftSteps!.Value));
            case PairOutcome.BadFormat:
                return ShowSecret(result.Secret!, StatusCodes.Status400BadRequest, TotpCode.FormatError);
            default:
                return ShowSecret(result.Secret!, StatusCodes.Status400BadRequest,
                    "That code is not correct. Check that the app shows the Twofold account you just added and enter its current code.");
        }
    }

    /// <param name="codeError">Shown under the code field; added after the field is cleared, which would otherwise drop it.</param>
    private PageResult ShowSecret(PairingSecret secret, int statusCode, string? codeError = null)
    {
        Step = PairingStep.ScanCode;
        Secret = secret;
        Ticket = secret.Ticket;
        QrDataUri = qr.PngDataUri(secret.OtpAuthUri);
        Code = null;
        // The code's error (wrong code, clock drift) stays in ModelState so the summary shows it; the
        // fields are rendered from the model, not from ModelState, so the typed code is not echoed.
        ModelState.Remove(nameof(Ticket));
        if (codeError is not null)
        {
            ModelState.AddModelError(nameof(Code), codeError);
        }

        Response.StatusCode = statusCode;
        return Page();
    }

    private async Task<IActionResult> GateAgainAsync(int statusCode, CancellationToken ct)
    {
        var link = await pairing.LookupAsync(Token, ct);
        if (link.State != LinkState.Valid)
        {
            return Invalid(link.State);
        }

        Gate = new GateInput { OperatorCode = link.OperatorCode!, Login = link.Login! };
        ModelState.Remove("Gate.OperatorCode");
        ModelState.Remove("Gate.Login");
        Step = PairingStep.PasswordGate;
        Response.StatusCode = statusCode;
        return Page();
    }

    private PageResult Invalid(LinkState state)
    {
        Step = PairingStep.LinkInvalid;
        LinkState = state;
        Response.StatusCode = state == LinkState.Unknown ? StatusCodes.Status404NotFound : StatusCodes.Status410Gone;
        return Page();
    }
}
