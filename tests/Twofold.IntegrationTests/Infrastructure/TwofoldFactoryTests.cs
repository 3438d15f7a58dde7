using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Twofold.Data;
using Twofold.Mail;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>The factory really configures the app: a test that passes against the wrong database or clock proves nothing.</summary>
public sealed class TwofoldFactoryTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    [Fact]
    public async Task App_UsesTheTemporaryDatabase_MadeByMigrations()
    {
        if (factory.Database.IsPostgres)
        {
            using var scope = factory.Services.CreateScope();
            Assert.IsType<PostgresTwofoldDbContext>(scope.ServiceProvider.GetRequiredService<TwofoldDbContext>());
        }
        else
        {
            Assert.True(File.Exists(factory.DatabasePath));
        }

        var code = await factory.CreateOperatorAsync();
        var user = await factory.CreateUserAsync(code, "jdoe");
        Assert.Equal($"{code}/jdoe", user.UserName);
        Assert.Equal(TwofoldFactory.StartTime, user.CreatedAt);
    }

    [Fact]
    public void App_UsesTheFakeClock_AndTheSmtpSink()
    {
        Assert.Same(factory.Time, factory.Services.GetRequiredService<TimeProvider>());
        var smtp = factory.Services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        Assert.Equal(SmtpSink.Host, smtp.Host);
        Assert.Equal(factory.Smtp.Port, smtp.Port);
    }

    [Fact]
    public async Task RateLimit_ReadDuringRegistration_IsRaisedForTests()
    {
        // AddLogin reads Security:FormPostsPerMinutePerIp before the host is built; the default (30) would give 429s here.
        using var client = factory.CreateBrowserClient();
        for (var i = 0; i < 40; i++)
        {
            using var response = await client.PostAsync("/login", new FormUrlEncodedContent([]));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
        }
    }

    [Fact]
    public async Task CreateOperator_GivesUniqueCodes()
    {
        var first = await factory.CreateOperatorAsync();
        var second = await factory.CreateOperatorAsync();
        Assert.NotEqual(first, second);
    }
}
