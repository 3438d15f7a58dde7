using Twofold.Audit;
using Twofold.Data;
using Twofold.Login;
using Twofold.Mail;
using Twofold.Pairing;
using Twofold.Profile;
using Twofold.Recovery;
using Twofold.Settings;
using Twofold.Totp;
using Twofold.Users;

namespace Twofold.Web;

/// <summary>The composition of the app: shared by the web host and the admin CLI.</summary>
public static class TwofoldApp
{
    public static WebApplicationBuilder AddTwofold(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        // Data first: its migrator must run before any other hosted service (e.g. Data Protection's) reads the database.
        builder.Services
            .AddData(builder.Configuration, builder.Environment.ContentRootPath)
            .AddWeb()
            .AddTotp()
            .AddMail()
            .AddAudit()
            .AddLogin(builder.Configuration)
            .AddPairing()
            .AddUsers()
            .AddProfile()
            .AddSettings()
            .AddRecovery();
        builder.Services.AddHostedService<DemoSeeder>();
        builder.AddRequestLimits();
        return builder;
    }

    public static WebApplication UseTwofold(this WebApplication app)
    {
        // Trusted proxies come from App:KnownProxies/KnownNetworks (ProxyOptions).
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error");
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        app.UseRequestLimits();
        app.UseDatabaseUnavailablePage();
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseCodeStepsFirst();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        app.MapHealthChecks("/health");
        return app;
    }
}
