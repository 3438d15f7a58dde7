namespace Twofold.Settings;

public static class SettingsServiceCollectionExtensions
{
    public static IServiceCollection AddSettings(this IServiceCollection services) => services.AddScoped<OperatorSettings>();
}
