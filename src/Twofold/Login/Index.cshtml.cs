using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Web;

namespace Twofold.Login;

[AllowAnonymous]
public sealed class IndexModel(SignInService signIn) : PageModel
{
    public const string GenericFailure = "The operator code, login or password is not correct.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Expired { get; set; }

    public string? PairingMailMaskedAddress { get; private set; }

    public DateTimeOffset? LockedUntil { get; private set; }

    /// <summary>Set when the password was right and a code is needed: the answer is the code dialog itself.</summary>
    public CodeDialog? CodeDialog { get; private set; }

    public sealed class InputModel
    {
        [Display(Name = "Operator code")]
        [Required(ErrorMessage = "Enter your operator code.")]
        [StringLength(32, ErrorMessage = "The operator code is at most 32 characters long.")]
        public string OperatorCode { get; set; } = string.Empty;

        [Display(Name = "Login")]
        [Required(ErrorMessage = "Enter your login.")]
        [StringLength(64, ErrorMessage = "The login is at most 64 characters long.")]
        public string Login { get; set; } = string.Empty;

        [Display(Name = "Password")]
        [Required(ErrorMessage = "Enter your password.")]
        [StringLength(256, ErrorMessage = "The password is at most 256 characters long.")]
        [DataType(DataType.Password)]
        public string Password { get; set; } = string.Empty;
    }

    public IActionResult OnGet()
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            return LocalRedirect(SafeReturnUrl(Url, ReturnUrl));
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (FormText.HasHiddenCharacters(Input.OperatorCode) || FormText.HasHiddenCharacters(Input.Login))
        {
            ModelState.AddModelError(string.Empty, "The operator code and login may not contain control or invisible formatting characters.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await signIn.PasswordStepAsync(Input.OperatorCode.Trim(), Input.Login.Trim(), Input.Password, ct);
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(SafeReturnUrl(Url, ReturnUrl));
            case SignInOutcome.CodeRequired:
                // The dialog in this answer, not a redirect to /login/two-factor: one round trip less per sign-in.
                // Reloading re-posts the password (the browser asks first) and opens a fresh dialog.
                CodeDialog = new CodeDialog(new TwoFactorModel.InputModel(), SafeReturnUrl(Url, ReturnUrl), result.RememberDays);
                return Page();
            case SignInOutcome.PairingRequired:
                PairingMailMaskedAddress = result.MaskedEmail;
                return Page();
            case SignInOutcome.LockedOut:
                LockedUntil = result.LockedUntil;
                Response.StatusCode = StatusCodes.Status423Locked;
                return Page();
            default:
                ModelState.AddModelError(string.Empty, GenericFailure);
                Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Page();
        }
    }

    /// <summary>Only local paths: "//evil.test", "/\evil.test" and absolute URLs fall back to "/".</summary>
    public static string SafeReturnUrl(IUrlHelper url, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
