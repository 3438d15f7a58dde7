using System.Net;
using System.Threading.RateLimiting;

namespace Twofold.Login;

/// <summary>
/// The rate limiter in front of the sign-in forms: per client IP, form posts that test a password or a code
/// (the brute-force surface); and, for everyone together, how many password steps run at once.
/// </summary>
public static class SignInRateLimits
{
    public static IServiceCollection AddSignInRateLimits(this IServiceCollection services, SecurityOptions security)
    {
        // One partition for the whole process: the password steps of all clients share the CPU. Under a surge of
        // sign-ins, people wait at the password step (where a wait is expected), while the pages and the code
        // step of sign-ins already under way, whose code expires, stay fast (docs/performance.md).
        var passwordSteps = security.EffectiveConcurrentPasswordSteps;
        var passwordStepOptions = new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(passwordSteps, 1),
            QueueLimit = security.QueuedPasswordSteps,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        };
        KeepThreadsBesideHashing(passwordSteps);
        services.AddSingleton<CodeStepsFirst>();

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var response = context.HttpContext.Response;
                response.ContentType = "text/plain; charset=utf-8";
                // The per-IP window says when to come back; a full password-step queue is a busy server.
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out _))
                {
                    await response.WriteAsync("Too many attempts from your network. Wait a minute and try again.", ct);
                }
                else
                {
                    response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    response.Headers.RetryAfter = "5";
                    await response.WriteAsync("Many people are signing in right now. Try again in a few seconds.", ct);
                }
            };
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsLimitedFormPost(context.Request)
                        ? RateLimitPartition.GetFixedWindowLimiter(
                            (context.Connection.RemoteIpAddress ?? IPAddress.None).ToString(),
                            _ => new FixedWindowRateLimiterOptions { PermitLimit = security.FormPostsPerMinutePerIp, Window = TimeSpan.FromMinutes(1) })
                        : RateLimitPartition.GetNoLimiter(string.Empty)),
                // The factory makes a new limiter each time: the partitioned limiter disposes one idle for 10 s
                // and asks again (an idle limiter holds no permits, so nothing is lost).
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    passwordSteps > 0 && IsPasswordStep(context.Request)
                        ? RateLimitPartition.GetConcurrencyLimiter("password-step", _ => passwordStepOptions)
                        : RateLimitPartition.GetNoLimiter(string.Empty)));
        });
        return services;
    }

    /// <summary>
    /// A password step holds its pool thread for the whole hash (PBKDF2 is synchronous). The pool's hill climbing
    /// may shrink the pool to its minimum, one thread per processor, which the hashes then fill: pages and code
    /// steps wait for a hash to end or for a new thread (hundreds of ms at p99, measured: docs/performance.md). So
    /// the minimum is raised by the password steps that may run at once. Only ever raised, never lowered.
    /// </summary>
    private static void KeepThreadsBesideHashing(int passwordSteps)
    {
        if (passwordSteps <= 0)
        {
            return;
        }

        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < Environment.ProcessorCount + passwordSteps)
        {
            ThreadPool.SetMinThreads(Environment.ProcessorCount + passwordSteps, io);
        }
    }

    /// <summary>Form posts that test a password or a code: the brute-force surface.</summary>
    private static bool IsLimitedFormPost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.StartsWithSegments("/login", StringComparison.OrdinalIgnoreCase)
            || request.Path.StartsWithSegments("/pair", StringComparison.OrdinalIgnoreCase));

    /// <summary>The sign-in form's post: the password hash, the step that costs most CPU.</summary>
    internal static bool IsPasswordStep(HttpRequest request) => IsPost(request, "/login");

    /// <summary>The code dialog's post.</summary>
    internal static bool IsCodeStep(HttpRequest request) => IsPost(request, "/login/two-factor");

    private static bool IsPost(HttpRequest request, string path) =>
        HttpMethods.IsPost(request.Method)
        && string.Equals(request.Path.Value?.TrimEnd('/'), path, StringComparison.OrdinalIgnoreCase);
}
