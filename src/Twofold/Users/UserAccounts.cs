using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.Data;
using Twofold.Mail;
using Twofold.Pairing;

namespace Twofold.Users;

public sealed record AccountResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static readonly AccountResult Success = new(true, []);

    public static AccountResult Fail(params string[] errors) => new(false, errors);
}

/// <summary>Creating operators and users, and resetting a user's authenticator: shared by /users and the CLI.</summary>
public sealed class UserAccounts(
    TwofoldDbContext db, UserManager<TwofoldUser> users, PairingLinkIssuer pairing, AuditLog audit, SecurityNotices notices,
    TimeProvider time, ILogger<UserAccounts> logger)
{
    public async Task<AccountResult> CreateOperatorAsync(string code, string name, CancellationToken ct = default)
    {
        if (!AccountRules.IsValidOperatorCode(code))
        {
            return AccountResult.Fail(AccountRules.OperatorCodeError);
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(char.IsControl))
        {
            return AccountResult.Fail("Name: 1-200 characters, no control characters.");
        }

        var normalized = Operator.Normalize(code);
        if (await db.Operators.AnyAsync(o => o.NormalizedCode == normalized, ct))
        {
            return AccountResult.Fail($"Operator {normalized} already exists.");
        }

        db.Operators.Add(new Operator { Code = normalized, NormalizedCode = normalized, Name = name.Trim(), CreatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        return AccountResult.Success;
    }

    public async Task<AccountResult> CreateUserAsync(
        string operatorCode, string login, string email, string password, bool administrator, CancellationToken ct = default)
    {
        var op = await FindOperatorAsync(operatorCode, ct);
        if (op is null)
        {
            return AccountResult.Fail($"Operator '{operatorCode}' does not exist.");
        }

        return await CreateUserAsync(op, login, email, password, administrator, ct);
    }

    public async Task<AccountResult> CreateUserAsync(
        Operator op, string login, string email, string password, bool administrator, CancellationToken ct = default)
    {
        login = login.Trim();
        email = email.Trim();
        var errors = new List<string>();
        if (!AccountRules.IsValidLogin(login))
        {
            errors.Add(AccountRules.LoginError);
        }

        if (!AccountRules.IsValidEmail(email))
        {
            errors.Add(AccountRules.EmailError);
        }

        if (errors.Count > 0)
        {
            return new AccountResult(false, errors);
        }

        var user = new TwofoldUser
        {
            OperatorId = op.Id,
            Login = login,
            UserName = TwofoldUser.ComposeUserName(op.Code, login),
            Email = email,
            IsAdministrator = administrator,
            CreatedAt = time.GetUtcNow(),
        };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            return new AccountResult(false, result.Errors.Select(e => e.Code == "DuplicateUserName"
                ? $"Login '{login}' already exists in operator {op.Code}."
                : e.Description).ToList());
        }

        // Forced operators: a new user must pair before the first sign-in.
        if (op.ForceTwoFactor)
        {
            await pairing.IssueAsync(db, user, op, PairingReason.ForcedByOperator, ct);
            await db.SaveChangesAsync(ct);
        }

        return AccountResult.Success;
    }

    /// <summary>
    /// Lost phone: removes every authenticator and recovery code, voids open links, signs the user out everywhere
    /// (new security stamp) and, when two-factor still applies, mails a fresh pairing link.
    /// </summary>
    public Task<AccountResult> ResetTwoFactorAsync(TwofoldUser user, CancellationToken ct = default) =>
        ResetTwoFactorAsync(user, null, ct);

    /// <param name="administrator">Who pressed Reset, for the audit trail and the notice; null from the admin CLI.</param>
    public async Task<AccountResult> ResetTwoFactorAsync(TwofoldUser user, TwofoldUser? administrator, CancellationToken ct = default)
    {
        var op = await db.Operators.SingleAsync(o => o.Id == user.OperatorId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Authenticators.RemoveRange(await db.Authenticators.Where(a => a.UserId == user.Id).ToListAsync(ct));
        // The recovery codes belong to the lost pairing: voided with it (same SaveChanges); the next pairing issues a new set.
        db.RecoveryCodes.RemoveRange(await db.RecoveryCodes.Where(c => c.UserId == user.Id).ToListAsync(ct));
        // Saved before issuing: otherwise the issuer finds the old pending secret (still tracked, marked
        // deleted), reuses it, and the mailed link points at an authenticator this save deletes.
        await db.SaveChangesAsync(ct);
        user.CodeFailedCount = 0;
        user.CodeLockoutEnd = null;
        if (user.TwoFactorEnabled || op.ForceTwoFactor)
        {
            await pairing.IssueAsync(db, user, op, PairingReason.ResetByAdministrator, ct);
        }

        audit.Record(AuditEventType.TwoFactorReset, user, administrator, administrator is null ? "admin CLI" : null);
        await notices.DeviceResetByAdministratorAsync(user, administrator, ct);
        await db.SaveChangesAsync(ct);
        await users.UpdateSecurityStampAsync(user);
        await tx.CommitAsync(ct);
        logger.LogInformation(LogEvents.TwoFactorReset, "Authenticator reset for user {UserId}", user.Id);
        return AccountResult.Success;
    }

    public Task<Operator?> FindOperatorAsync(string code, CancellationToken ct = default)
    {
        var normalized = Operator.Normalize(code);
        return db.Operators.SingleOrDefaultAsync(o => o.NormalizedCode == normalized, ct);
    }

    public Task<TwofoldUser?> FindUserAsync(string operatorCode, string login) =>
        users.FindByNameAsync(TwofoldUser.ComposeUserName(operatorCode, login));
}
