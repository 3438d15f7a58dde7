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
    /// <summary>The user with its operator (the code page and the code step need the operator's settings).</summary>
    public static readonly Func<TwofoldDbContext, Guid, Task<TwofoldUser?>> UserWithOperator =
        EF.CompileAsyncQuery((TwofoldDbContext db, Guid id) => db.Users.Include(u => u.Operator).SingleOrDefault(u => u.Id == id));

    /// <summary>The operator (tracked) and whether the user has a paired device, in one statement.</summary>
    public static readonly Func<TwofoldDbContext, int, Guid, Task<OperatorAndPaired>> OperatorAndPairedDevice =
        EF.CompileAsyncQuery((TwofoldDbContext db, int operatorId, Guid userId) => db.Operators
            .Where(o => o.Id == operatorId)
            .Select(o => new OperatorAndPaired(o, db.Authenticators.Any(a => a.UserId == userId && a.Status == AuthenticatorStatus.Paired)))
            .Single());

    /// <summary>The user's devices in one status, without tracking: only their secrets and learned offsets are read.</summary>
    public static readonly Func<TwofoldDbContext, Guid, AuthenticatorStatus, IAsyncEnumerable<DeviceKey>> Devices =
        EF.CompileAsyncQuery((TwofoldDbContext db, Guid userId, AuthenticatorStatus status) => db.Authenticators
            .Where(a => a.UserId == userId && a.Status == status)
            .Select(a => new DeviceKey(a.Id, a.ProtectedSecret, a.StepOffset)));

    internal sealed record OperatorAndPaired(Operator Operator, bool Paired);

    internal sealed record DeviceKey(Guid Id, string ProtectedSecret, int StepOffset);
}
