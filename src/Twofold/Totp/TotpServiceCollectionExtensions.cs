namespace Twofold.Totp;

public static class TotpServiceCollectionExtensions
{
    public static IServiceCollection AddTotp(this IServiceCollection services)
    {
        services.AddOptions<TotpOptions>().BindConfiguration(TotpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TotpVerifier>();
        services.AddSingleton<AuthenticatorSecrets>();
        return services;
    }
}
