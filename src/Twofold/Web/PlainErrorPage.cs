using System.Text.Encodings.Web;

namespace Twofold.Web;

/// <summary>
/// A small self-contained error page written straight to the response. Used where the normal
/// Razor status page cannot run: the database is down (the page's sign-in check would need it) or
/// the request body is refused before anything reads it.
/// </summary>
internal static class PlainErrorPage
{
    public static async Task WriteAsync(HttpContext context, int statusCode, string title, string message, int? retryAfterSeconds = null)
    {
        var response = context.Response;

        // Clear() also drops the security headers set on the way in: apply them again.
        response.Clear();
        SecurityHeaders.Apply(response);
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var html = HtmlEncoder.Default;
        await response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.Encode(title)} · Twofold</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><main id="main"><section class="card narrow"><h1>{html.Encode(title)}</h1><p>{html.Encode(message)}</p><p><a href="/">Go to the start page</a></p></section></main></body>
            </html>
            """,
            context.RequestAborted);
    }
}
