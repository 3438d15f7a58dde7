using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Login;

namespace Twofold.IntegrationTests.Performance;

/// <summary>
/// The group commit's instruments as an operator sees them: published by the running app (SQLite) and fed by a
/// real sign-in. On PostgreSQL there is no group commit, so no such instrument.
/// </summary>
public sealed class CodeCommitMetricsTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);

    [Fact]
    public async Task SignInWithCode_IsMeasuredByTheGroupCommitsInstruments()
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        await stories.PairAsync(user, mail);
        stories.NextStep();
        if (factory.Database.IsPostgres)
        {
            Assert.Null(factory.Services.GetService<AcceptedCodeMetrics>());
            return;
        }

        var meters = factory.Services.GetRequiredService<IMeterFactory>();
        var measured = new ConcurrentQueue<(string Name, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name == AcceptedCodeMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measured.Enqueue((instrument.Name, value)));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measured.Enqueue((instrument.Name, value)));
        listener.Start();

        var dialog = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        var signedIn = await UserStories.SubmitCodeAsync(dialog, stories.CodeNow(user));

        Assert.True(signedIn.HasButton("Log out"));
        // This test's sign-in; other tests of the class may commit codes of their own meanwhile.
        Assert.Contains(measured, m => m.Name == "twofold.code_commit.wait" && m.Value >= 0);
        Assert.Contains(measured, m => m.Name == "twofold.code_commit.duration" && m.Value > 0);
        Assert.Contains(measured, m => m.Name == "twofold.code_commit.size" && m.Value >= 1);
    }
}
