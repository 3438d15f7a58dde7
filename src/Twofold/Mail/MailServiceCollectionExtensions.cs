using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Twofold.Mail;

public static class MailServiceCollectionExtensions
{
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<OutboxSignal>();

        // AddData puts every registered IInterceptor on the DbContext.
        services.AddSingleton<OutboxSaveChangesInterceptor>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<OutboxSaveChangesInterceptor>());
        services.AddScoped<OutboxStore>();
        services.AddScoped<OutboxAdmin>();
        services.AddScoped<SecurityNotices>();

        // Registered after AddData's migrator: hosted services start in order, so the table exists.
        services.AddHostedService<OutboxDispatcher>();
        return services;
    }
}
