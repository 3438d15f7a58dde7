namespace Twofold.Audit;

/// <summary>Where the current request comes from; both null outside a request (CLI, background jobs).</summary>
public sealed class AuditContext(IHttpContextAccessor accessor)
{
    private (string? Ip, string? UserAgent)? client;

    /// <summary>False in the admin CLI and background jobs (unless they act for a request, see <see cref="UseClient"/>).</summary>
    public bool InRequest => client is not null || accessor.HttpContext is not null;

    /// <summary>The client address as seen after UseForwardedHeaders.</summary>
    public string? ClientIp => (client is { } c ? c.Ip : accessor.HttpContext?.Connection.RemoteIpAddress?.ToString()) is { } ip
        ? Truncate(ip, AuditEvent.ClientIpMaxLength)
        : null;

    public string? UserAgent => (client is { } c ? c.UserAgent : accessor.HttpContext?.Request.Headers.UserAgent.ToString()) is { Length: > 0 } agent
        ? Truncate(Clean(agent), AuditEvent.UserAgentMaxLength)
        : null;

    /// <summary>For background work done on behalf of a request that has already been answered.</summary>
    public void UseClient(string? ip, string? userAgent) => client = (ip, userAgent);

    public static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    // A header is attacker-chosen text: no control characters into rows that end up in CSV and pages.
    private static string Clean(string value) => new(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
