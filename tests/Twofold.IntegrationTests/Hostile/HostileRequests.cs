using System.Net;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Hostile;

/// <summary>How the hostile cases talk to the app: real pages fetched first, so forms carry a genuine antiforgery token unless a case removes it.</summary>
internal static class HostileRequests
{
    public const string AntiforgeryField = "__RequestVerificationToken";

    public static readonly string OneMegabyte = new('a', 1024 * 1024);

    /// <summary>GETs <paramref name="pageUrl"/>, fills the form with <paramref name="button"/> and posts it; a null value removes the field.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(
        HttpClient client, string pageUrl, string button, IReadOnlyDictionary<string, string?> values)
    {
        using var page = await client.GetAsync(pageUrl);
        Assert.True(page.IsSuccessStatusCode, $"GET {pageUrl}: {(int)page.StatusCode}");
        var form = await HtmlForm.FindAsync(page, button: button);
        return await PostAsync(client, form.Action.PathAndQuery, form.Fields, values);
    }

    /// <summary>Posts to <paramref name="action"/> with the antiforgery token of <paramref name="pageUrl"/> (as a forged but same-site form would).</summary>
    public static async Task<HttpResponseMessage> PostWithTokenAsync(
        HttpClient client, string pageUrl, string action, IReadOnlyDictionary<string, string?> values)
    {
        var token = await TokenAsync(client, pageUrl);
        return await PostAsync(client, action, [new(AntiforgeryField, token)], values);
    }

    public static async Task<string> TokenAsync(HttpClient client, string pageUrl)
    {
        using var page = await client.GetAsync(pageUrl);
        Assert.True(page.IsSuccessStatusCode, $"GET {pageUrl}: {(int)page.StatusCode}");
        var document = await HtmlForm.ParseAsync(page);
        return document.QuerySelector($"input[name={AntiforgeryField}]")?.GetAttribute("value")
            ?? throw new InvalidOperationException($"No antiforgery token on {pageUrl}.");
    }

    public static Task<HttpResponseMessage> PostAsync(
        HttpClient client, string action, IEnumerable<KeyValuePair<string, string>> fields, IReadOnlyDictionary<string, string?> values)
    {
        var posted = fields.Where(f => !values.ContainsKey(f.Key)).ToList();
        posted.AddRange(values.Where(v => v.Value is not null).Select(v => new KeyValuePair<string, string>(v.Key, v.Value!)));
        return client.PostAsync(action, new FormUrlEncodedContent(posted));
    }

    /// <summary>Posts a 1 MB form without Content-Length (chunked), so only the readers' own limits can stop it.</summary>
    public static async Task<HttpResponseMessage> PostChunkedAsync(HttpClient client, string pageUrl, string action)
    {
        var token = await TokenAsync(client, pageUrl);
        var body = $"{AntiforgeryField}={Uri.EscapeDataString(token)}&Input.Password={OneMegabyte}";
        using var request = new HttpRequestMessage(HttpMethod.Post, action)
        {
            Content = new StreamContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(body))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Content.Headers.ContentLength = null;
        request.Headers.TransferEncodingChunked = true;
        return await client.SendAsync(request);
    }

    /// <summary>A fresh browser that has passed the password step of <paramref name="user"/> and now sees the code dialog.</summary>
    public static async Task<HttpClient> AtCodeStepAsync(HostileWorld world, TestUser user)
    {
        var client = world.NewClient();
        using var response = await SubmitAsync(client, "/login", "Log in", new Dictionary<string, string?>
        {
            ["Input.OperatorCode"] = user.OperatorCode,
            ["Input.Login"] = user.Login,
            ["Input.Password"] = user.Password,
        });
        // The answer is the code dialog itself (200), not a redirect.
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"password step: {(int)response.StatusCode}");
        Assert.Contains("name=\"Input.Code\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        return client;
    }

    public static async Task<HttpResponseMessage> CodeAsync(HostileWorld world, string code, string? returnUrl = null)
    {
        var client = await AtCodeStepAsync(world, world.Paired);
        var values = new Dictionary<string, string?> { ["Input.Code"] = code };
        if (returnUrl is not null)
        {
            values["ReturnUrl"] = returnUrl;
        }

        return await SubmitAsync(client, "/login/two-factor", "Confirm", values);
    }

    public static Task<HttpResponseMessage> LoginAsync(HostileWorld world, string op, string login, string password, string? returnUrl = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Input.OperatorCode"] = op,
            ["Input.Login"] = login,
            ["Input.Password"] = password,
        };
        if (returnUrl is not null)
        {
            values["ReturnUrl"] = returnUrl;
        }

        return SubmitAsync(world.NewClient(), "/login", "Log in", values);
    }

    public static Task<HttpResponseMessage> UnlockAsync(HostileWorld world, string pageToken, IReadOnlyDictionary<string, string?> values) =>
        SubmitAsync(world.NewClient(), $"/pair?token={Uri.EscapeDataString(pageToken)}", "Continue", values);

    public static Task<HttpResponseMessage> PairAsync(HostileWorld world, string token, string ticket, string code) =>
        PostWithTokenAsync(world.NewClient(), $"/pair?token={Uri.EscapeDataString(world.WaitingToken)}", "/pair?handler=Pair", new Dictionary<string, string?>
        {
            ["Token"] = token,
            ["Ticket"] = ticket,
            ["Code"] = code,
        });

    public static Task<HttpResponseMessage> CreateUserAsync(HostileWorld world, string login, string email, string password = "a long enough password") =>
        SubmitAsync(world.AdminClient, "/users", "Create user", new Dictionary<string, string?>
        {
            ["NewUser.Login"] = login,
            ["NewUser.Email"] = email,
            ["NewUser.Password"] = password,
        });
}
