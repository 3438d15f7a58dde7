namespace Twofold.Users;

public static class UsersServiceCollectionExtensions
{
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddScoped<UserAccounts>();
        services.AddScoped<UserDirectory>();
        return services;
    }
}
