using System.CommandLine;
using Twofold.Data;
using Twofold.Users;

namespace Twofold.Cli;

/// <summary><c>user add</c> and <c>user reset-2fa</c>: thin wrappers over <see cref="UserAccounts"/>, which owns the rules.</summary>
internal static class UserCommands
{
    public static Command Create(CliHost host) => new("user", "Manage users.") { Add(host), ResetTwoFactor(host) };

    private static Option<string> OperatorOption() => new("--operator") { Description = "Operator code of the user.", Required = true };

    private static Option<string> LoginOption() => new("--login") { Description = "Login within the operator.", Required = true };

    private static Command Add(CliHost host)
    {
        var operatorCode = OperatorOption();
        var login = LoginOption();
        var email = new Option<string>("--email") { Description = "Address for pairing and notification mails.", Required = true };
        var password = new Option<string>("--password") { Description = "Initial password, at least 10 characters.", Required = true };
        var admin = new Option<bool>("--admin") { Description = "Make the user an administrator of the operator." };

        var command = new Command("add", "Create a user of an operator.") { operatorCode, login, email, password, admin };
        command.SetAction((parse, ct) => host.RunAsync(parse, async cli =>
        {
            var op = parse.GetRequiredValue(operatorCode);
            var loginValue = parse.GetRequiredValue(login);
            var isAdmin = parse.GetValue(admin);
            var result = await cli.Get<UserAccounts>().CreateUserAsync(
                op, loginValue, parse.GetRequiredValue(email), parse.GetRequiredValue(password), isAdmin, cli.Cancellation);
            // Never echo the password: terminals and CI logs keep stdout.
            return cli.Report(result, $"User {TwofoldUser.ComposeUserName(op, loginValue)} created{(isAdmin ? " as administrator" : "")}.");
        }, ct));
        return command;
    }

    private static Command ResetTwoFactor(CliHost host)
    {
        var operatorCode = OperatorOption();
        var login = LoginOption();

        var command = new Command("reset-2fa", "Lost phone: remove the user's authenticators and sign them out everywhere.") { operatorCode, login };
        command.SetAction((parse, ct) => host.RunAsync(parse, async cli =>
        {
            var accounts = cli.Get<UserAccounts>();
            var (op, loginValue) = (parse.GetRequiredValue(operatorCode), parse.GetRequiredValue(login));
            var userName = TwofoldUser.ComposeUserName(op, loginValue);
            var user = await accounts.FindUserAsync(op, loginValue);
            if (user is null)
            {
                return cli.Fail($"User {userName} does not exist.");
            }

            var result = await accounts.ResetTwoFactorAsync(user, cli.Cancellation);
            return cli.Report(result, $"Two-factor authentication of {userName} reset: authenticators removed, sessions ended.");
        }, ct));
        return command;
    }
}
