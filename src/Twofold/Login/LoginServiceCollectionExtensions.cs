using Microsoft.AspNetCore.Identity;
using Twofold.Data;

namespace Twofold.Login;

public static class LoginServiceCollectionExtensions
{
    public const string SessionCookieName = "Twofold.Session";
    public const string PasswordVerifiedCookieName = "Twofold.PasswordVerified";

    public static IServiceCollection AddLogin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var security = configuration.GetSection(SecurityOptions.SectionName).Get<SecurityOptions>() ?? new SecurityOptions();

        services.AddIdentity<TwofoldUser, IdentityRole<Guid>>(o =>
            {
                // Lockout is counted by PasswordAttempts and TwoFactorVerifier (atomic, TimeProvider-based),
                // in Identity's columns for passwords and our own for codes.
                o.User.AllowedUserNameCharacters = string.Empty; // "OPERATOR/login": validated by our own rules
                o.User.RequireUniqueEmail = false;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<TwofoldDbContext>()
            .AddDefaultTokenProviders()
            .AddUserManager<TwofoldUserManager>()
            .AddClaimsPrincipalFactory<TwofoldClaimsPrincipalFactory>();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = SessionCookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/forbidden";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        services.Configure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o =>
        {
            o.Cookie.Name = PasswordVerifiedCookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(security.PasswordVerifiedMinutes);
            o.SlidingExpiration = false;
        });

        // Sessions notice a password change, reset or two-factor removal within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthorizationBuilder()
            .AddPolicy(TwofoldClaims.AdministratorPolicy, p => p.RequireAuthenticatedUser().RequireClaim(TwofoldClaims.Administrator, "true"));

        services.AddSignInRateLimits(security);

        // Identity's default hashing (PBKDF2-HMAC-SHA512, 100,000 iterations) unless "PasswordHasher:IterationCount"
        // says otherwise: the load benchmark lowers it to see the rest of the sign-in pipeline. Stored hashes
        // keep their own count, and a hash below the configured count is upgraded at the next sign-in.
        services.Configure<PasswordHasherOptions>(configuration.GetSection("PasswordHasher"));

        services.AddScoped<SignInService>();
        services.AddScoped<TwoFactorVerifier>();
        if ((configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions()).Provider == DatabaseProvider.Sqlite)
        {
            // SQLite has one writer and a commit costs an fsync: accepted codes of concurrent sign-ins share one.
            services.AddSingleton<AcceptedCodeBatch>();
            services.AddMetrics();
            services.AddSingleton<AcceptedCodeMetrics>();
        }
        else
        {
            // PostgreSQL: the guard and the audit row of an accepted code in one statement, one round trip.
            services.AddSingleton<GuardAndAuditStatement>();
        }

        services.AddScoped<PasswordAttempts>();
        services.AddScoped<PasswordResetService>();
        services.AddSingleton<PasswordResetQueue>();
        services.AddHostedService<PasswordResetWorker>();
        services.AddScoped<LockoutRecorder>();
        return services;
    }
}
