using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>
/// A minimal browser over real HTTP: keeps cookies (the client's handler), follows redirects itself so
/// tests can see each status, parses pages with AngleSharp and submits forms the way a browser does
/// (hidden fields, antiforgery token and ticked checkboxes included).
/// </summary>
public sealed class Browser(HttpClient client)
{
    private static readonly HtmlParser Parser = new();

    public HttpClient Client => client;

    public async Task<WebPage> GetAsync(string url)
    {
        using var response = await client.GetAsync(url);
        return await FollowAsync(response, url);
    }

    public async Task<WebPage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        using var response = await client.PostAsync(url, content);
        return await FollowAsync(response, url);
    }

    private async Task<WebPage> FollowAsync(HttpResponseMessage response, string url)
    {
        var redirects = 0;
        while (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.RedirectMethod)
        {
            if (++redirects > 5)
            {
                throw new InvalidOperationException($"Too many redirects from {url}");
            }

            var location = response.Headers.Location ?? throw new InvalidOperationException("Redirect without Location");
            // Relative to the page's own URL, or to the client's server (a real node listens on 127.0.0.1:port).
            var page = Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal)
                ? absolute
                : new Uri(client.BaseAddress ?? new Uri("http://localhost"), url);
            url = location.IsAbsoluteUri ? location.ToString() : new Uri(page, location).ToString();
            var next = await client.GetAsync(url);
            if (redirects > 1)
            {
                response.Dispose();
            }

            response = next;
        }

        var html = await response.Content.ReadAsStringAsync();
        var document = (IHtmlDocument)await Parser.ParseDocumentAsync(html);
        return new WebPage(this, response.StatusCode, url, response.Headers.CacheControl?.ToString(), document, html);
    }
}

/// <summary>A page as the browser received it, after redirects.</summary>
public sealed record WebPage(Browser Browser, HttpStatusCode Status, string Url, string? CacheControl, IHtmlDocument Document, string Html)
{
    public string Text => Document.Body?.TextContent ?? string.Empty;

    /// <summary>The form that contains the submit button with exactly this text.</summary>
    public FormFiller Form(string buttonText)
    {
        var button = Document.QuerySelectorAll("button, input[type=submit]")
            .FirstOrDefault(b => (b.TextContent.Trim() is var t && t == buttonText) || b.GetAttribute("value") == buttonText)
            ?? throw new InvalidOperationException($"No button '{buttonText}' on {Url}. Page text: {Text.Trim()}");
        var form = button.Closest("form") as IHtmlFormElement ?? throw new InvalidOperationException($"Button '{buttonText}' is not in a form.");
        return new FormFiller(this, form);
    }

    public bool HasButton(string text) => Document.QuerySelectorAll("button").Any(b => b.TextContent.Trim() == text);

    public bool HasLink(string text) => Document.QuerySelectorAll("a").Any(a => a.TextContent.Trim() == text);

    /// <summary>The open "Two-factor authentication" dialog with its code form (posting to /login/two-factor).</summary>
    public bool IsCodeDialog =>
        Document.QuerySelector("dialog[open] h2#two-factor-title")?.TextContent.Trim() == "Two-factor authentication"
        && Document.QuerySelector("dialog[open] form[action='/login/two-factor'] input[name='Input.Code']") is not null;
}

/// <summary>Fills a form by its visible labels, then posts it.</summary>
public sealed class FormFiller(WebPage page, IHtmlFormElement form)
{
    private readonly Dictionary<string, string?> overrides = new(StringComparer.Ordinal);

    public IHtmlFormElement Element => form;

    /// <summary>Sets the field whose &lt;label&gt; reads exactly <paramref name="label"/>.</summary>
    public FormFiller Fill(string label, string value)
    {
        overrides[NameOf(label)] = value;
        return this;
    }

    public FormFiller Check(string label, bool on = true)
    {
        var input = InputOf(label);
        overrides[input.Name!] = on ? input.Value is { Length: > 0 } v ? v : "on" : null;
        return this;
    }

    /// <summary>Sets a field by its name, e.g. a hidden one, or removes it with null.</summary>
    public FormFiller Set(string name, string? value)
    {
        overrides[name] = value;
        return this;
    }

    public string? ValueOf(string label) => InputOf(label).Value;

    public IHtmlInputElement InputOf(string label)
    {
        var labelElement = form.QuerySelectorAll("label").FirstOrDefault(l => l.TextContent.Trim() == label)
            ?? page.Document.QuerySelectorAll("label").FirstOrDefault(l => l.TextContent.Trim() == label)
            ?? throw new InvalidOperationException($"No label '{label}' on {page.Url}");
        var id = labelElement.GetAttribute("for") ?? throw new InvalidOperationException($"Label '{label}' has no 'for'.");
        return page.Document.GetElementById(id) as IHtmlInputElement ?? throw new InvalidOperationException($"No input #{id} for '{label}'.");
    }

    public Task<WebPage> SubmitAsync()
    {
        var action = form.GetAttribute("action");
        var target = string.IsNullOrEmpty(action) ? new Uri(page.Url, UriKind.RelativeOrAbsolute).ToString() : action;
        return page.Browser.PostAsync(target, Fields());
    }

    /// <summary>What a browser would post: the form's fields with the filled-in values.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields()
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var input in form.QuerySelectorAll("input[name]").OfType<IHtmlInputElement>())
        {
            if (input.IsDisabled || overrides.ContainsKey(input.Name!))
            {
                continue;
            }

            if (input.Type is "checkbox" or "radio" && !input.IsChecked)
            {
                continue;
            }

            fields.Add(new(input.Name!, input.Value ?? string.Empty));
        }

        fields.AddRange(overrides.Where(o => o.Value is not null).Select(o => new KeyValuePair<string, string>(o.Key, o.Value!)));
        return fields;
    }

    private string NameOf(string label) => InputOf(label).Name ?? throw new InvalidOperationException($"Input for '{label}' has no name.");
}
