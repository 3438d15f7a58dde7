using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Twofold.Data;
using Twofold.Login;
using Twofold.Mail;
using Twofold.Web;

namespace Twofold.Users;

/// <summary>/users for the operator's administrators: list, create, reset a lost phone.</summary>
public sealed class IndexModel(
    UserDirectory directory, UserAccounts accounts, UserManager<TwofoldUser> users, TwofoldDbContext db, OutboxAdmin outbox) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    [StringLength(64)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty]
    public NewUserInput NewUser { get; set; } = new();

    public UserPage Users { get; private set; } = new([], 1, 1, 0);

    public IReadOnlyList<FailedMail> FailedMails { get; private set; } = [];

    public string? Message { get; private set; }

    public sealed class NewUserInput
    {
        [Display(Name = "Login")]
        [Required(ErrorMessage = "Enter a login.")]
        [StringLength(64, ErrorMessage = AccountRules.LoginError)]
        public string Login { get; set; } = string.Empty;

        [Display(Name = "Email")]
        [Required(ErrorMessage = "Enter an email address.")]
        [StringLength(254, ErrorMessage = AccountRules.EmailError)]
        public string Email { get; set; } = string.Empty;

        [Display(Name = "Initial password")]
        [Required(ErrorMessage = "Enter an initial password.")]
        [StringLength(256, MinimumLength = 10, ErrorMessage = "The initial password must be 10 to 256 characters long.")]
        [DataType(DataType.Password)]
        public string Password { get; set; } = string.Empty;

        [Display(Name = "Administrator")]
        public bool Administrator { get; set; }
    }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (FormText.HasHiddenCharacters(NewUser.Login) || FormText.HasHiddenCharacters(NewUser.Email))
        {
            ModelState.AddModelError("NewUser", "Login and email may not contain control or invisible formatting characters.");
        }

        if (ModelState.IsValid)
        {
            var op = await db.Operators.FindAsync([User.OperatorIdOf()], ct) ?? throw new InvalidOperationException("Operator vanished.");
            var result = await accounts.CreateUserAsync(op, NewUser.Login, NewUser.Email, NewUser.Password, NewUser.Administrator, ct);
            if (result.Succeeded)
            {
                Message = $"User {NewUser.Login.Trim()} created.";
                NewUser = new NewUserInput();
                ModelState.Clear();
                await LoadAsync(ct);
                return Page();
            }

            foreach (var error in result.Errors)
            {
                ModelState.AddModelError("NewUser", error);
            }
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostResetAsync(Guid userId, CancellationToken ct)
    {
        // Only users of the administrator's own operator: another operator's ids are simply not found.
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null || user.OperatorId != User.OperatorIdOf())
        {
            return NotFound();
        }

        await accounts.ResetTwoFactorAsync(user, await users.GetUserAsync(User), ct);
        Message = $"Two-factor authentication of {user.Login} was reset; they have been signed out everywhere" +
                  (user.TwoFactorEnabled ? " and a new pairing link was sent." : ".");
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Resend of a failed email: only the operator's own mail; another operator's id is simply not found.</summary>
    public async Task<IActionResult> OnPostResendAsync(long messageId, CancellationToken ct)
    {
        if (!await outbox.RequeueFailedAsync(messageId, User.OperatorIdOf(), ct))
        {
            return NotFound();
        }

        Message = "The email was queued again and will be sent shortly.";
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Users = await directory.ListAsync(User.OperatorIdOf(), Search, PageNumber, ct);
        FailedMails = await outbox.ListFailedAsync(User.OperatorIdOf(), ct);
    }
}
