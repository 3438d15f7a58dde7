using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Twofold.Shared;

/// <summary>Friendly pages for bare status codes (re-executed by UseStatusCodePagesWithReExecute).</summary>
[AllowAnonymous]
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    public string Title { get; private set; } = "Error";

    public string Message { get; private set; } = string.Empty;

    // [FromRoute]: a re-executed POST must not read the failed request's form (it may be the problem).
    public void OnGet([Microsoft.AspNetCore.Mvc.FromRoute] int code) => Describe(code);

    public void OnPost([Microsoft.AspNetCore.Mvc.FromRoute] int code) => Describe(code);

    private void Describe(int code) =>
        (Title, Message) = code switch
        {
            400 => ("Bad request", "The form was incomplete, expired or not sent by this site. Go back, reload the page and try again."),
            403 => ("Not allowed", "Your account may not open this page."),
            404 => ("Not found", "There is no page at this address."),
            405 => ("Not allowed", "This address does not accept that kind of request."),
            413 => ("Too large", "The request was larger than this site accepts."),
            429 => ("Too many attempts", "Too many attempts from your network. Wait a minute and try again."),
            503 => ("Unavailable", "Twofold cannot reach its database right now. Try again in a minute."),
            _ => ("Error", "Something went wrong. Try again."),
        };
}
