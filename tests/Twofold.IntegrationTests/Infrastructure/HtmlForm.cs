using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>
/// A form of a fetched page, as a browser would submit it: "click" a button by posting the form's
/// fields (hidden ones such as __RequestVerificationToken included) with the values a test types in.
/// </summary>
public sealed class HtmlForm
{
    private readonly List<KeyValuePair<string, string>> fields;

    private HtmlForm(Uri action, string method, List<KeyValuePair<string, string>> fields)
    {
        Action = action;
        Method = method;
        this.fields = fields;
    }

    /// <summary>Absolute address the form posts to (the button's formaction if it has one).</summary>
    public Uri Action { get; }

    /// <summary>"post" or "get".</summary>
    public string Method { get; }

    /// <summary>The fields as the page filled them in (hidden inputs, default values, checked boxes, the clicked button).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => fields;

    public string? this[string name] => fields.FirstOrDefault(f => f.Key == name).Value;

    /// <summary>Parses a response body as HTML; relative links resolve against the request address.</summary>
    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var document = await new HtmlParser().ParseDocumentAsync(html);
        return document;
    }

    /// <summary>Finds a form in a response: by its action path (e.g. "/login") and/or by a submit button's text.</summary>
    public static async Task<HtmlForm> FindAsync(HttpResponseMessage response, string? action = null, string? button = null)
    {
        var page = response.RequestMessage?.RequestUri ?? new Uri("http://localhost/");
        return Find(await ParseAsync(response), page, action, button);
    }

    public static HtmlForm Find(IHtmlDocument document, Uri page, string? action = null, string? button = null)
    {
        var forms = document.Forms.ToList();
        var candidates = forms.Where(f => action is null || ActionMatches(ResolveAction(f, page), page, action)).ToList();
        IHtmlElement? clicked = null;
        if (button is not null)
        {
            var match = candidates
                .SelectMany(f => Buttons(f).Select(b => (Form: f, Button: b)))
                .Where(x => string.Equals(ButtonText(x.Button), button, StringComparison.OrdinalIgnoreCase))
                .ToList();
            candidates = match.Select(x => x.Form).Distinct().ToList();
            clicked = match.Count == 1 ? match[0].Button : null;
        }

        if (candidates.Count != 1)
        {
            var found = string.Join("; ", forms.Select(f =>
                $"{f.Method} {ResolveAction(f, page).PathAndQuery} [{string.Join(", ", Buttons(f).Select(ButtonText))}]"));
            throw new InvalidOperationException(
                $"Expected one form (action: {action ?? "any"}, button: {button ?? "any"}) on {page}, found {candidates.Count}. Forms: {(found.Length > 0 ? found : "none")}");
        }

        var form = candidates[0];
        clicked ??= Buttons(form).Count() == 1 ? Buttons(form).First() : null;
        var target = clicked?.GetAttribute("formaction") is { Length: > 0 } formAction ? new Uri(page, formAction) : ResolveAction(form, page);
        return new HtmlForm(target, string.Equals(form.Method, "get", StringComparison.OrdinalIgnoreCase) ? "get" : "post", Values(form, clicked));
    }

    /// <summary>Sets (replaces) a field's value; returns this for chaining.</summary>
    public HtmlForm Set(string name, string value)
    {
        fields.RemoveAll(f => f.Key == name);
        fields.Add(new(name, value));
        return this;
    }

    /// <summary>Submits the form with <paramref name="values"/> replacing the page's values of the same names.</summary>
    public Task<HttpResponseMessage> SubmitAsync(HttpClient client, IReadOnlyDictionary<string, string>? values = null)
    {
        var posted = fields.Where(f => values is null || !values.ContainsKey(f.Key)).ToList();
        if (values is not null)
        {
            posted.AddRange(values);
        }

        if (Method == "get")
        {
            var query = string.Join('&', posted.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
            return client.GetAsync(new UriBuilder(Action) { Query = query }.Uri);
        }

        return client.PostAsync(Action, new FormUrlEncodedContent(posted));
    }

    /// <summary>Fetches <paramref name="pageUrl"/>, finds the form and submits it: one "click".</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(
        HttpClient client, string pageUrl, IReadOnlyDictionary<string, string>? values = null, string? action = null, string? button = null)
    {
        using var page = await client.GetAsync(pageUrl);
        page.EnsureSuccessStatusCode();
        var form = await FindAsync(page, action, button);
        return await form.SubmitAsync(client, values);
    }

    private static Uri ResolveAction(IHtmlFormElement form, Uri page) =>
        form.GetAttribute("action") is { Length: > 0 } action ? new Uri(page, action) : page;

    private static bool ActionMatches(Uri resolved, Uri page, string wanted)
    {
        var target = new Uri(page, wanted);
        return string.Equals(resolved.AbsolutePath.TrimEnd('/'), target.AbsolutePath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            && (string.IsNullOrEmpty(target.Query) || string.Equals(resolved.Query, target.Query, StringComparison.Ordinal));
    }

    private static IEnumerable<IHtmlElement> Buttons(IHtmlFormElement form) =>
        form.Elements.OfType<IHtmlElement>().Where(e =>
            e is IHtmlButtonElement { Type: "submit" } || e is IHtmlInputElement { Type: "submit" or "image" });

    private static string ButtonText(IHtmlElement button) =>
        (button is IHtmlInputElement input ? input.Value : button.TextContent).Trim();

    private static List<KeyValuePair<string, string>> Values(IHtmlFormElement form, IHtmlElement? clicked)
    {
        var values = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            var name = element.GetAttribute("name");
            if (string.IsNullOrEmpty(name) || element.HasAttribute("disabled"))
            {
                continue;
            }

            switch (element)
            {
                case IHtmlInputElement { Type: "submit" or "image" or "button" or "reset" } input:
                    if (input == clicked)
                    {
                        values.Add(new(name, input.Value));
                    }

                    break;
                case IHtmlInputElement { Type: "checkbox" or "radio" } box:
                    if (box.IsChecked)
                    {
                        values.Add(new(name, box.Value));
                    }

                    break;
                case IHtmlInputElement input:
                    values.Add(new(name, input.Value));
                    break;
                case IHtmlButtonElement button:
                    if (button == clicked)
                    {
                        values.Add(new(name, button.Value));
                    }

                    break;
                case IHtmlSelectElement select:
                    values.AddRange(select.Options.Where(o => o.IsSelected).Select(o => new KeyValuePair<string, string>(name, o.Value)));
                    break;
                case IHtmlTextAreaElement area:
                    values.Add(new(name, area.Value));
                    break;
            }
        }

        return values;
    }
}
