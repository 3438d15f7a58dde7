namespace Twofold.Settings;

public static class SettingsServiceCollectionExtensions
{
    public static IServiceCollection AddSettings(this IServiceCollection services)
    {
        services.AddOptions<ForcePairingOptions>().BindConfiguration(ForcePairingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<OperatorSettings>();
        services.AddScoped<ForcePairingRunner>();
        services.AddSingleton<ForcePairingSignal>();

        // After AddData's migrator (hosted services start in order), so the table exists.
        services.AddHostedService<ForcePairingWorker>();
        return services;
    }
}
