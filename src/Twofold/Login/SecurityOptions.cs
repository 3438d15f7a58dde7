using System.ComponentModel.DataAnnotations;

namespace Twofold.Login;

/// <summary>Brute-force limits (passwords and codes are counted apart: see <see cref="SignInService"/>) and the sign-in load limits.</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    [Range(1, 100)]
    public int MaxFailedPasswords { get; set; } = 10;

    [Range(1, 1440)]
    public int PasswordLockoutMinutes { get; set; } = 15;

    [Range(1, 100)]
    public int MaxFailedCodes { get; set; } = 5;

    [Range(1, 1440)]
    public int CodeLockoutMinutes { get; set; } = 15;

    /// <summary>Lifetime of the "password verified, code pending" state.</summary>
    [Range(1, 5)]
    public int PasswordVerifiedMinutes { get; set; } = 5;

    /// <summary>Sign-in, code and pairing form posts allowed per client IP per minute.</summary>
    [Range(1, 1_000_000)]
    public int FormPostsPerMinutePerIp { get; set; } = 30;

    [Range(1, 24 * 30)]
    public int PairingLinkLifetimeHours { get; set; } = 24;

    /// <summary>At most one pairing mail per user in this many minutes from the sign-in page.</summary>
    [Range(0, 1440)]
    public int PairingMailThrottleMinutes { get; set; } = 5;

    /// <summary>
    /// Password steps (POST /login, one password hash each) that run at once, for all clients together; the others
    /// wait their turn. Default (unset): one per processor, so hashing cannot crowd out the pages and the code step
    /// of sign-ins already under way. As many running code steps make a password step wait (<see cref="CodeStepsFirst"/>).
    /// 0 = no limit, and no waiting for code steps.
    /// </summary>
    [Range(0, 10_000)]
    public int? ConcurrentPasswordSteps { get; set; }

    public int EffectiveConcurrentPasswordSteps => ConcurrentPasswordSteps ?? Environment.ProcessorCount;

    /// <summary>Password steps that wait for a turn; one more is answered 503 with Retry-After.</summary>
    [Range(0, 100_000)]
    public int QueuedPasswordSteps { get; set; } = 1_000;
}
