using System.Text.RegularExpressions;

namespace Twofold.Users;

/// <summary>What operator codes, logins and email addresses may look like; one place for the UI and the CLI.</summary>
public static partial class AccountRules
{
    public const int MaxOperatorCodeLength = 32;
    public const int MaxLoginLength = 64;
    public const int MaxEmailLength = 254;
    public const int MaxPasswordLength = 256;

    public const string OperatorCodeError = "Operator code: 2-32 characters, letters A-Z, digits, '-' or '_'.";
    public const string LoginError = "Login: 1-64 characters, letters, digits, '.', '_', '-' or '@'.";
    public const string EmailError = "Email: a single valid address such as jdoe@example.com.";

    // \z, not $: "$" also matches before a final "\n", which would let "ACME\n" through.
    [GeneratedRegex("^[A-Za-z0-9_-]{2,32}\\z")]
    private static partial Regex OperatorCodePattern();

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}\\z")]
    private static partial Regex LoginPattern();

    public static bool IsValidOperatorCode(string? code) => code is not null && OperatorCodePattern().IsMatch(code);

    public static bool IsValidLogin(string? login) => login is not null && LoginPattern().IsMatch(login);

    public static bool IsValidEmail(string? email) =>
        email is { Length: > 0 and <= MaxEmailLength }
        && !email.Any(char.IsControl) && !email.Any(char.IsWhiteSpace)
        && MimeKit.MailboxAddress.TryParse(email, out var parsed) && parsed.Address == email
        && email.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < email.Length - 1;
}
