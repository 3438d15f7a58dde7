namespace Twofold.Audit;

public static class AuditServiceCollectionExtensions
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddScoped<AuditContext>();
        services.AddScoped<AuditLog>();
        services.AddScoped<AuditQuery>();

        // One instance for the host and for callers (tests, admin tools) that prune on demand.
        services.AddSingleton<AuditPruner>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditPruner>());
        return services;
    }
}
