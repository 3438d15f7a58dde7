namespace Twofold.Pairing;

public static class PairingServiceCollectionExtensions
{
    public static IServiceCollection AddPairing(this IServiceCollection services)
    {
        services.AddScoped<PairingLinkIssuer>();
        services.AddScoped<PairingService>();
        services.AddSingleton<QrCodeRenderer>();
        return services;
    }
}
