using System.CommandLine;
using Twofold.Data;
using Twofold.Users;

namespace Twofold.Cli;

/// <summary><c>operator add --code ACME --name "Acme Air"</c>.</summary>
internal static class OperatorCommands
{
    public static Command Create(CliHost host)
    {
        var code = new Option<string>("--code") { Description = "Operator code typed at sign-in: 2-32 of A-Z, 0-9, '-', '_'.", Required = true };
        var name = new Option<string>("--name") { Description = "Display name, 1-200 characters.", Required = true };

        var add = new Command("add", "Create an operator (a tenant).") { code, name };
        add.SetAction((parse, ct) => host.RunAsync(parse, async cli =>
        {
            var codeValue = parse.GetRequiredValue(code);
            var result = await cli.Get<UserAccounts>().CreateOperatorAsync(codeValue, parse.GetRequiredValue(name), cli.Cancellation);
            return cli.Report(result, $"Operator {Operator.Normalize(codeValue)} created.");
        }, ct));

        return new Command("operator", "Manage operators.") { add };
    }
}
