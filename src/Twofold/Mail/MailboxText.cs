using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Twofold.Mail;

/// <summary>Renders a plain-text mail body as HTML with its http(s) links clickable; everything is encoded.</summary>
internal static partial class MailboxText
{
    [GeneratedRegex(@"https?://[^\s<>""'`]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    public static IHtmlContent Linkify(string text)
    {
        var html = new HtmlContentBuilder();
        var last = 0;
        foreach (Match match in UrlPattern().Matches(text))
        {
            // Sentence punctuation after a link is not part of it.
            var url = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']');
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                continue;
            }

            html.Append(text[last..match.Index]);
            var anchor = new TagBuilder("a");
            anchor.Attributes["href"] = url; // TagBuilder encodes attribute values
            anchor.Attributes["rel"] = "noreferrer noopener";
            anchor.InnerHtml.Append(url);
            html.AppendHtml(anchor);
            last = match.Index + url.Length;
        }

        html.Append(text[last..]);
        return html;
    }
}
