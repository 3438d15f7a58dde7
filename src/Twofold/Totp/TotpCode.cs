namespace Twofold.Totp;

/// <summary>Validation of what a person typed as an authentication code.</summary>
public static class TotpCode
{
    public const string FormatError = "Enter the 6-digit code from your authenticator app (digits 0-9 only).";

    /// <summary>
    /// Accepts exactly six ASCII digits after trimming surrounding spaces. Full-width or other
    /// Unicode digits and spaces inside the code are refused, so what is compared is what the app shows.
    /// </summary>
    public static bool TryParse(string? input, out int code)
    {
        code = 0;
        var span = input.AsSpan().Trim();
        if (span.Length != TotpOptions.Digits)
        {
            return false;
        }

        foreach (var c in span)
        {
            if (c is < '0' or > '9')
            {
                code = 0; // as every TryParse: no partial value on failure
                return false;
            }

            code = (code * 10) + (c - '0');
        }

        return true;
    }
}
