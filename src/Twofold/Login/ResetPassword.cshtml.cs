using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Twofold.Login;

/// <summary>
/// The page behind "Reset your password". Opening the link (GET) only reads; the token travels in the
/// query of the GET (a one-time token) and in a hidden field of the post. It never signs anyone in:
/// the next sign-in goes through /login and, if on, the code step.
/// </summary>
[AllowAnonymous]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ResetPasswordModel(PasswordResetService reset) : PageModel
{
    [BindProperty(SupportsGet = true)]
    [StringLength(64)]
    public string? Token { get; set; }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public ResetLinkState LinkState { get; private set; }

    public bool Done { get; private set; }

    public sealed class InputModel
    {
        [Display(Name = "New password")]
        [Required(ErrorMessage = "Enter a new password.")]
        [StringLength(256, MinimumLength = 10, ErrorMessage = "The new password must be 10 to 256 characters long.")]
        [DataType(DataType.Password)]
        public string New { get; set; } = string.Empty;

        [Display(Name = "Confirm new password")]
        [Compare(nameof(New), ErrorMessage = "The new password and its confirmation do not match.")]
        [DataType(DataType.Password)]
        public string Confirm { get; set; } = string.Empty;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        LinkState = await reset.LookupAsync(Token, ct);
        return LinkState == ResetLinkState.Valid ? Page() : Invalid();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            LinkState = await reset.LookupAsync(Token, ct);
            if (LinkState != ResetLinkState.Valid)
            {
                return Invalid();
            }

            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await reset.ResetAsync(Token, Input.New, ct);
        LinkState = result.LinkState;
        if (result.Succeeded)
        {
            Done = true;
            return Page();
        }

        if (LinkState != ResetLinkState.Valid)
        {
            return Invalid();
        }

        foreach (var error in result.Errors)
        {
            ModelState.AddModelError("Input.New", error);
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private PageResult Invalid()
    {
        Response.StatusCode = LinkState == ResetLinkState.Unknown ? StatusCodes.Status404NotFound : StatusCodes.Status410Gone;
        return Page();
    }
}
