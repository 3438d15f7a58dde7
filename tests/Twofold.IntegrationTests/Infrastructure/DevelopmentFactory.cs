namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>
/// The app as a developer runs it: Development environment and no SMTP host, so mail stays in the
/// outbox (shown on /dev/mailbox) and the dispatcher never claims a row.
/// </summary>
public sealed class DevelopmentFactory : TwofoldFactory
{
    protected override string Environment => "Development";

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        base.AddSettings(settings);
        settings["Smtp:Host"] = string.Empty;
    }
}
