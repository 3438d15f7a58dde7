using System.Threading.Channels;
using Twofold.Audit;

namespace Twofold.Login;

/// <summary>A "Forgot password?" request as typed, with where it came from (for the audit row and the mail).</summary>
public sealed record PasswordResetRequest(string OperatorCode, string Login, string? ClientIp, string? UserAgent);

/// <summary>
/// Decouples the answer of "Forgot password?" from the work: the page only enqueues, so the response
/// takes the same time whether or not the account exists (no database write, no mail encryption on
/// the request path). Bounded: under a flood, extra requests are dropped — the per-IP rate limit
/// already refuses most, and the answer is the same anyway. In memory: a request lost to a restart
/// is simply asked again by the user.
/// </summary>
public sealed class PasswordResetQueue
{
    private readonly Channel<PasswordResetRequest> channel = Channel.CreateBounded<PasswordResetRequest>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Enqueue(PasswordResetRequest request) => channel.Writer.TryWrite(request);

    public ChannelReader<PasswordResetRequest> Reader => channel.Reader;
}

/// <summary>Works through <see cref="PasswordResetQueue"/>, one request per scope (one DbContext, one transaction).</summary>
public sealed class PasswordResetWorker(PasswordResetQueue queue, IServiceScopeFactory scopes, ILogger<PasswordResetWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    scope.ServiceProvider.GetRequiredService<AuditContext>().UseClient(request.ClientIp, request.UserAgent);
                    await scope.ServiceProvider.GetRequiredService<PasswordResetService>().RequestAsync(request.OperatorCode, request.Login, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One failed request (database briefly away) must not stop the worker; the user can ask again.
                    logger.LogError(LogEvents.PasswordResetRequested, ex, "Handling a password reset request failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
