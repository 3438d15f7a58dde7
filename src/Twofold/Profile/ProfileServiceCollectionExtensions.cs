namespace Twofold.Profile;

public static class ProfileServiceCollectionExtensions
{
    public static IServiceCollection AddProfile(this IServiceCollection services) =>
        services.AddScoped<TwoFactorSettings>().AddScoped<PasswordChange>();
}
