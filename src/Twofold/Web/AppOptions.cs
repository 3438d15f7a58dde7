using System.ComponentModel.DataAnnotations;

namespace Twofold.Web;

public sealed class AppOptions : IValidatableObject
{
    public const string SectionName = "App";

    /// <summary>Absolute base address used in links inside emails, e.g. https://signin.example.com.</summary>
    [Required]
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            yield return new ValidationResult(
                $"App:PublicBaseUrl must be an absolute http(s) URL without query, e.g. https://signin.example.com (got '{PublicBaseUrl}').",
                [nameof(PublicBaseUrl)]);
        }
    }

    /// <summary>An absolute link to a path of this app, e.g. Link("/pair", "token=…").</summary>
    public string Link(string path, string? query = null)
    {
        // Not a property: the options validator reads every property, also of an invalid URL.
        var publicBase = new Uri(PublicBaseUrl.TrimEnd('/') + "/");
        var builder = new UriBuilder(new Uri(publicBase, path.TrimStart('/')));
        if (query is not null)
        {
            builder.Query = query;
        }

        return builder.Uri.AbsoluteUri;
    }
}
