using Twofold.Cli;
using Twofold.Web;

if (AdminCli.IsCommand(args))
{
    return await AdminCli.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddTwofold();

var app = builder.Build();
app.UseTwofold();
await app.RunAsync();
return 0;

/// <summary>Exists so WebApplicationFactory&lt;Program&gt; can find the entry point in tests.</summary>
public partial class Program;
