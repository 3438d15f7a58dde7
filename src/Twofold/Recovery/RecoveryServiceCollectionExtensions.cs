namespace Twofold.Recovery;

public static class RecoveryServiceCollectionExtensions
{
    /// <summary>Recovery codes, remembered devices, grace periods and the new-device flow.</summary>
    public static IServiceCollection AddRecovery(this IServiceCollection services)
    {
        services.AddOptions<RecoveryOptions>().BindConfiguration(RecoveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<RecoveryCodes>();
        services.AddScoped<DeviceRecovery>();
        services.AddScoped<GracePeriod>();
        services.AddScoped<GraceReminders>();
        services.AddScoped<Compliance>();
        services.AddSingleton<RememberedDevices>();
        services.AddHostedService<GraceReminderService>();
        return services;
    }
}
