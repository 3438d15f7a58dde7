using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Twofold.BrowserTests.Infrastructure;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Totp;

namespace Twofold.BrowserTests.Interop;

/// <summary>
/// Our TOTP against OATH Toolkit's oathtool, an implementation we did not write: its codes pass our
/// verifier exactly within the 60-second window, and our codes pass its validator.
/// </summary>
[Trait("Category", "Interop")]
public sealed class OathtoolInteropTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    /// <summary>Instants inside a step, at its first and its last second (the window edges).</summary>
    public static TheoryData<string> Instants => new() { "2026-11-28 08:00:10", "2026-11-28 08:00:30", "2026-11-28 08:00:59", "2033-05-18 03:33:20" };

    [ToolTheory(OutsideTools.Oathtool)]
    [MemberData(nameof(Instants))]
    public async Task OathtoolCodes_CurrentAndPreviousStepAccepted_TwoBackAndNextRefused(string instant)
    {
        var now = ParseUtc(instant);
        // The app's verifier with the window the app is configured with (defaults: 1 past step, 0 future).
        var verifier = new TotpVerifier(factory.Services.GetRequiredService<IOptions<TotpOptions>>(), new FakeTimeProvider(now));
        var step = Rfc6238.StepAt(now);

        for (var i = 0; i < 5; i++)
        {
            var secret = TotpVerifier.NewSecret();
            var base32 = OtpAuthUri.Base32(secret);
            var current = await Oathtool.CodeAsync(base32, now);
            var previous = await Oathtool.CodeAsync(base32, now.AddSeconds(-30));
            var twoBack = await Oathtool.CodeAsync(base32, now.AddSeconds(-60));
            var next = await Oathtool.CodeAsync(base32, now.AddSeconds(30));

            Assert.Equal(step, verifier.Verify(secret, Int(current)));
            Assert.Equal(previous == current ? step : step - 1, verifier.Verify(secret, Int(previous)));

            // Refused, unless the 6 digits happen to equal an accepted step's code (1 in 10^6).
            foreach (var refused in new[] { twoBack, next }.Where(c => c != current && c != previous))
            {
                Assert.Null(verifier.Verify(secret, Int(refused)));
            }
        }
    }

    [ToolTheory(OutsideTools.Oathtool)]
    [InlineData("SHA1", 20)]
    [InlineData("SHA256", 32)]
    [InlineData("SHA512", 64)]
    public async Task OurCode_IsValidInOathtool_AndAWrongOneIsNot(string mode, int keyBytes)
    {
        var now = ParseUtc("2026-11-28 08:00:10");
        var hash = Enum.Parse<TotpHash>(mode, ignoreCase: true);
        for (var i = 0; i < 5; i++)
        {
            var secret = RandomNumberGenerator.GetBytes(keyBytes);
            var base32 = OtpAuthUri.Base32(secret);
            var ours = Code(secret, Rfc6238.StepAt(now), hash);

            // Exactly the code oathtool computes, and accepted by its validator with a window of one step.
            Assert.Equal(ours, await Oathtool.CodeAsync(base32, now, mode));
            Assert.Equal(0, await Oathtool.ValidateAsync(base32, ours, window: 1, now, mode));

            var window = new[] { -1, 0, 1 }.Select(o => Code(secret, Rfc6238.StepAt(now) + o, hash)).ToHashSet();
            var wrong = Enumerable.Range(1, 10).Select(d => ((int.Parse(ours, CultureInfo.InvariantCulture) + d) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture))
                .First(c => !window.Contains(c));
            Assert.NotEqual(0, await Oathtool.ValidateAsync(base32, wrong, window: 1, now, mode));
        }
    }

    [ToolFact(OutsideTools.Oathtool)]
    public async Task OurCodeOfTwoStepsAgo_IsRefusedByOathtoolWithWindowOne()
    {
        var now = ParseUtc("2026-11-28 08:00:10");
        var secret = TotpVerifier.NewSecret();
        var old = Code(secret, Rfc6238.StepAt(now) - 2, TotpHash.Sha1);
        Assert.NotEqual(0, await Oathtool.ValidateAsync(OtpAuthUri.Base32(secret), old, window: 1, now));
        Assert.Equal(0, await Oathtool.ValidateAsync(OtpAuthUri.Base32(secret), old, window: 2, now));
    }

    private static int Int(string code) => int.Parse(code, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string Code(byte[] secret, long step, TotpHash hash) =>
        Rfc6238.ComputeCode(secret, step, TotpOptions.Digits, hash).ToString("D6", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseUtc(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
