using System.Net;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Nodes;

/// <summary>
/// The code dialog of one pending sign-in, frozen: its form fields and cookies, so the same browser
/// state can post codes to any node, several times and at the same instant.
/// </summary>
public sealed class CodeForm
{
    private readonly IReadOnlyList<KeyValuePair<string, string>> fields;
    private readonly string cookieHeader;

    private CodeForm(IReadOnlyList<KeyValuePair<string, string>> fields, string cookieHeader)
    {
        this.fields = fields;
        this.cookieHeader = cookieHeader;
    }

    /// <summary>Password step on <paramref name="node"/>; returns the dialog's state.</summary>
    public static async Task<CodeForm> OpenAsync(NodeProcess node, TestUser user)
    {
        var cookies = new CookieContainer();
        using var client = TwoNodeCluster.Client(node, cookies);
        var dialog = await UserStories.SubmitPasswordAsync(new Browser(client), user);
        Assert.True(dialog.IsCodeDialog, $"Expected the code dialog, got {dialog.Url}: {dialog.Text.Trim()}");
        var fields = dialog.Form("Confirm").Element.QuerySelectorAll("input[name]")
            .Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? string.Empty))
            .Where(f => f.Key != "Input.Code")
            .ToList();
        return new CodeForm(fields, cookies.GetCookieHeader(node.BaseAddress));
    }

    /// <summary>Posts <paramref name="code"/> with this state through <paramref name="client"/> (UseCookies off).</summary>
    public async Task<CodeAnswer> PostAsync(HttpClient client, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login/two-factor")
        {
            Content = new FormUrlEncodedContent([.. fields, new("Input.Code", code)]),
        };
        request.Headers.Add("Cookie", cookieHeader);
        using var response = await client.SendAsync(request);
        return new CodeAnswer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

public sealed record CodeAnswer(HttpStatusCode Status, string Body)
{
    public bool SignedIn => Status == HttpStatusCode.Redirect;

    public bool Replayed => Status == HttpStatusCode.Unauthorized && Body.Contains("already been used", StringComparison.Ordinal);

    public bool Wrong => Status == HttpStatusCode.Unauthorized && Body.Contains("That code is not correct", StringComparison.Ordinal);

    public bool LockedOut => Status == (HttpStatusCode)423 && Body.Contains("temporarily locked", StringComparison.Ordinal);

    public override string ToString() => $"{(int)Status} {(Body.Length > 300 ? Body[..300] : Body)}";
}
