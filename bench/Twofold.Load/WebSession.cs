using System.Net;
using System.Text.RegularExpressions;

namespace Twofold.Load;

/// <summary>One virtual browser: its own cookie jar over a shared connection pool (no redirects followed).</summary>
internal sealed partial class WebSession(HttpClient http)
{
    private readonly Dictionary<string, string> cookies = new(StringComparer.Ordinal);

    public async Task<(HttpStatusCode Status, string Body, string? Location)> GetAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, ct);
    }

    public async Task<(HttpStatusCode Status, string Body, string? Location)> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> form, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        return await SendAsync(request, ct);
    }

    private async Task<(HttpStatusCode, string, string?)> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        using var response = await http.SendAsync(request, ct);
        if (response.Headers.TryGetValues("Set-Cookie", out var set))
        {
            foreach (var header in set)
            {
                var pair = header.Split(';', 2)[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    var value = pair[(eq + 1)..];
                    if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                    {
                        cookies.Remove(pair[..eq]);
                    }
                    else
                    {
                        cookies[pair[..eq]] = value;
                    }
                }
            }
        }

        var body = await response.Content.ReadAsStringAsync(ct);
        return (response.StatusCode, body, response.Headers.Location?.OriginalString);
    }

    public static string Token(string html)
    {
        var match = TokenPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token in the page.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public static HttpClient NewClient(string baseUrl, int connections) =>
        new(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
}
