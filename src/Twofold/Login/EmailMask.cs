namespace Twofold.Login;

public static class EmailMask
{
    /// <summary>"jdoe@acme.test" → "j***@acme.test": enough to recognise, too little to harvest.</summary>
    public static string Mask(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return "***";
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : $"{email[0]}***{email[at..]}";
    }
}
