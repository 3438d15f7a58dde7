using Microsoft.EntityFrameworkCore;
using Twofold.Data;

namespace Twofold.Login;

/// <summary>
/// The sign-in's per-request queries, compiled once (EF Core compiled queries). A LINQ query is otherwise
/// walked, parameterised and looked up in the query cache on every execution; on the sign-in path that was a
/// measurable share of the server's CPU per sign-in (docs/performance.md, "CPU per sign-in").
/// </summary>
internal static class SignInQueries
{
    /// <summary>
    /// The pending user (tracked) with its operator and the secrets of its paired devices, in one statement:
    /// the code page needs the operator's settings, the code step the devices too.
    /// </summary>
    public static readonly Func<TwofoldDbContext, Guid, Task<PendingUser?>> PendingUserWithDevices =
        EF.CompileAsyncQuery((TwofoldDbContext db, Guid id) => db.Users
            .Where(u => u.Id == id)
            .Select(u => new PendingUser(u, u.Operator, db.Authenticators
                .Where(a => a.UserId == u.Id && a.Status == AuthenticatorStatus.Paired)
                .Select(a => new DeviceKey(a.Id, a.ProtectedSecret, a.StepOffset))
                .ToList()))
            .SingleOrDefault());

    /// <summary>
    /// The password step's user by normalized user name (tracked, as <c>UserManager.FindByNameAsync</c> returns it),
    /// its operator (tracked: the claims factory reuses it) and whether it has a paired device, in one statement.
    /// </summary>
    public static readonly Func<TwofoldDbContext, string, Task<PasswordStepUser?>> UserByNameWithOperator =
        EF.CompileAsyncQuery((TwofoldDbContext db, string normalizedName) => db.Users
            .Where(u => u.NormalizedUserName == normalizedName)
            .Select(u => new PasswordStepUser(u, u.Operator, db.Authenticators.Any(a => a.UserId == u.Id && a.Status == AuthenticatorStatus.Paired)))
            .FirstOrDefault());

    /// <summary>The user's devices in one status, without tracking: only their secrets and learned offsets are read.</summary>
    public static readonly Func<TwofoldDbContext, Guid, AuthenticatorStatus, IAsyncEnumerable<DeviceKey>> Devices =
        EF.CompileAsyncQuery((TwofoldDbContext db, Guid userId, AuthenticatorStatus status) => db.Authenticators
            .Where(a => a.UserId == userId && a.Status == status)
            .Select(a => new DeviceKey(a.Id, a.ProtectedSecret, a.StepOffset)));

    internal sealed record PendingUser(TwofoldUser User, Operator Operator, List<DeviceKey> PairedDevices);

    internal sealed record PasswordStepUser(TwofoldUser User, Operator Operator, bool Paired);

    internal sealed record DeviceKey(Guid Id, string ProtectedSecret, int StepOffset);
}
