using Microsoft.Extensions.Options;
using Twofold.Login;

namespace Twofold.Web;

public static class WebServiceCollectionExtensions
{
    public static IServiceCollection AddWeb(this IServiceCollection services)
    {
        services.AddOptions<AppOptions>().BindConfiguration(AppOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ProxyOptions.Setup>();
        services.AddRazorPages(o =>
        {
            // Pages live in their feature folders (Login/, Profile/, …), not under Pages/.
            o.RootDirectory = "/";
            o.Conventions.AuthorizeFolder("/Profile");
            o.Conventions.AuthorizeFolder("/Users", TwofoldClaims.AdministratorPolicy);
            o.Conventions.AuthorizeFolder("/Settings", TwofoldClaims.AdministratorPolicy);
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "Twofold.Antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddHttpContextAccessor();
        return services;
    }
}
