using System.Globalization;
using System.Net;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Stories;

/// <summary>After a refused code the dialog comes back with an empty code field (the typed code is useless now).</summary>
public sealed class RefusedCodeFieldTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);

    [Fact]
    public async Task WrongCode_DialogShowsErrorWithEmptyField()
    {
        var user = await PairedUserAsync();
        stories.NextStep();
        var wrong = WrongCode(stories.CodeNow(user, -1), stories.CodeNow(user), stories.CodeNow(user, 1));

        var refused = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("not correct", refused.Text, StringComparison.Ordinal);
        Assert.Equal(string.Empty, refused.Form("Confirm").ValueOf("Authentication code"));
        Assert.DoesNotContain(wrong, refused.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayedCode_DialogShowsErrorWithEmptyField()
    {
        var user = await PairedUserAsync();
        var pairingStepCode = stories.CodeNow(user); // used by the pairing itself

        var refused = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), pairingStepCode);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("already been used", refused.Text, StringComparison.Ordinal);
        Assert.Equal(string.Empty, refused.Form("Confirm").ValueOf("Authentication code"));
    }

    private async Task<TestUser> PairedUserAsync()
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        await stories.PairAsync(user, mail);
        return user;
    }

    private static string WrongCode(params string[] avoid)
    {
        for (var candidate = 123456; ; candidate = (candidate + 7919) % 1_000_000)
        {
            var text = candidate.ToString("D6", CultureInfo.InvariantCulture);
            if (!avoid.Contains(text))
            {
                return text;
            }
        }
    }
}
