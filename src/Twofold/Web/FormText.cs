using System.Globalization;

namespace Twofold.Web;

/// <summary>Checks and phrases shared by the forms.</summary>
public static class FormText
{
    /// <summary>
    /// True when the text holds control or invisible formatting characters (e.g. bidi overrides),
    /// which have no place in codes, logins or names and can disguise what a reader sees.
    /// </summary>
    public static bool HasHiddenCharacters(string? value) =>
        value is not null && value.Any(c => char.IsControl(c)
            || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);

    public static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
