using System.ComponentModel.DataAnnotations;

namespace Twofold.Totp;

/// <summary>
/// RFC 6238 parameters. SHA1, 6 digits and 30-second steps are fixed because they are the only
/// values Google Authenticator honours; only the acceptance window and the issuer are settings.
/// </summary>
public sealed class TotpOptions
{
    public const string SectionName = "Totp";

    public const int StepSeconds = 30;

    public const int Digits = 6;

    /// <summary>Shown in the authenticator app next to the account ("Twofold: ACME/jdoe").</summary>
    [Required]
    [RegularExpression("^[^:]{1,64}$", ErrorMessage = "Totp:Issuer must be 1-64 characters without ':'.")]
    public string Issuer { get; set; } = "Twofold";

    /// <summary>Earlier steps accepted besides the current one. 1 makes a code valid for 60 seconds.</summary>
    [Range(0, 2)]
    public int PastSteps { get; set; } = 1;

    /// <summary>Later steps accepted (a phone whose clock runs ahead).</summary>
    [Range(0, 2)]
    public int FutureSteps { get; set; }
}
