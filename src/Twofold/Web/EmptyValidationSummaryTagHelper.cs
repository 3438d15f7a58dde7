using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Twofold.Web;

/// <summary>
/// Runs after MVC's validation-summary tag helper and drops the placeholder it renders when there is
/// no error: <c>&lt;li style="display:none"&gt;</c>, kept for jQuery client validation (which Twofold does
/// not use). That inline style attribute breaks our CSP (<c>style-src 'self'</c>) and browsers report a
/// violation on every page with a form (the browser tests check the console).
/// </summary>
[HtmlTargetElement("div", Attributes = "asp-validation-summary")]
public sealed class EmptyValidationSummaryTagHelper : TagHelper
{
    /// <summary>After ValidationSummaryTagHelper (order 0).</summary>
    public override int Order => 1000;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.Attributes.TryGetAttribute("class", out var classes) && Text(classes.Value).Contains("validation-summary-valid", StringComparison.Ordinal))
        {
            output.PostContent.Clear();
        }
    }

    private static string Text(object? value)
    {
        if (value is IHtmlContent html)
        {
            using var writer = new StringWriter();
            html.WriteTo(writer, HtmlEncoder.Default);
            return writer.ToString();
        }

        return value?.ToString() ?? string.Empty;
    }
}
