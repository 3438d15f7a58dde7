using Microsoft.Extensions.Options;

namespace Twofold.Login;

/// <summary>
/// Sign-ins already under way go first: a password step (which starts a sign-in) waits while
/// <see cref="SecurityOptions.EffectiveConcurrentPasswordSteps"/> or more code steps are running, so that on saturated
/// processors the code steps, whose code expires, are not shared out among ever more new sign-ins. With Identity's
/// hashing the code steps rarely back up and nothing waits; with cheap hashing this is where a surge waits
/// (docs/performance.md, "Code steps first"). The wait is bounded by <see cref="MaxWait"/>: a flood of code-step posts
/// can delay password steps, never stop them.
/// </summary>
public sealed class CodeStepsFirst(IOptions<SecurityOptions> options, TimeProvider time)
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    // Security:ConcurrentPasswordSteps = 0 (no limits): code steps never count as backed up.
    private readonly int backedUp = options.Value.EffectiveConcurrentPasswordSteps is > 0 and var n ? n : int.MaxValue;
    private readonly Lock gate = new();
    private int running;
    private TaskCompletionSource? room;

    public void CodeStepStarted()
    {
        lock (gate)
        {
            running++;
        }
    }

    public void CodeStepEnded()
    {
        TaskCompletionSource? freed = null;
        lock (gate)
        {
            running--;
            if (running < backedUp)
            {
                (freed, room) = (room, null);
            }
        }

        freed?.TrySetResult();
    }

    /// <summary>Returns when fewer code steps than the limit are running, or after <see cref="MaxWait"/>.</summary>
    public async Task WaitForCodeStepsAsync(CancellationToken ct)
    {
        var start = time.GetTimestamp();
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (running < backedUp)
                {
                    return;
                }

                room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = room.Task;
            }

            var left = MaxWait - time.GetElapsedTime(start);
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            try
            {
                await wait.WaitAsync(left, time, ct);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }
}

/// <summary>Puts the password step (POST /login) and the code step (POST /login/two-factor) on <see cref="CodeStepsFirst"/>.</summary>
public static class CodeStepsFirstMiddleware
{
    /// <summary>After the rate limiter: a password step waits here with its turn.</summary>
    public static IApplicationBuilder UseCodeStepsFirst(this IApplicationBuilder app)
    {
        var codeSteps = app.ApplicationServices.GetRequiredService<CodeStepsFirst>();
        return app.Use(async (context, next) =>
        {
            if (SignInRateLimits.IsPasswordStep(context.Request))
            {
                await codeSteps.WaitForCodeStepsAsync(context.RequestAborted);
                await next(context);
            }
            else if (SignInRateLimits.IsCodeStep(context.Request))
            {
                codeSteps.CodeStepStarted();
                try
                {
                    await next(context);
                }
                finally
                {
                    codeSteps.CodeStepEnded();
                }
            }
            else
            {
                await next(context);
            }
        });
    }
}
