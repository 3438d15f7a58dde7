using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Web;

namespace Twofold.Login;

/// <summary>
/// "Forgot password?". The answer is the same whether or not the account exists, so the page cannot
/// be used to find out which logins an operator has. Posts are rate-limited per IP like /login.
/// </summary>
[AllowAnonymous]
public sealed class ForgotPasswordModel(PasswordResetQueue queue, Audit.AuditContext client) : PageModel
{
    public const string Answer = "If this account exists and has an email address, we have sent it a link to reset the password. " +
                                 "The link works once, for 1 hour.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public bool Sent { get; private set; }

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
    }

    public void OnGet()
    {
    }

    public IActionResult OnPost()
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

        // Handled in the background: the answer neither waits for nor depends on the account.
        queue.Enqueue(new PasswordResetRequest(Input.OperatorCode.Trim(), Input.Login.Trim(), client.ClientIp, client.UserAgent));
        Sent = true;
        return Page();
    }
}
