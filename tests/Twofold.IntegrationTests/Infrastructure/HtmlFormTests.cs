using AngleSharp.Html.Parser;

namespace Twofold.IntegrationTests.Infrastructure;

public sealed class HtmlFormTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private const string Page = """
        <form method="post" action="/logout"><input type="hidden" name="__RequestVerificationToken" value="t0"><button>Log out</button></form>
        <form method="post" action="/users/edit?id=7">
          <input type="hidden" name="__RequestVerificationToken" value="t1">
          <input name="Input.Email" value="a@b.test">
          <input type="checkbox" name="Input.Admin" value="true" checked>
          <input type="checkbox" name="Input.Locked" value="true">
          <select name="Input.Role"><option value="x">X</option><option value="y" selected>Y</option></select>
          <textarea name="Input.Note">hi</textarea>
          <input name="Input.Disabled" value="no" disabled>
          <button type="submit" name="handler" value="save">Save</button>
          <button type="submit" formaction="/users/edit?id=7&amp;handler=reset">Reset authenticator</button>
        </form>
        """;

    [Fact]
    public async Task Find_ByButton_CollectsFieldsLikeABrowser()
    {
        var document = await new HtmlParser().ParseDocumentAsync(Page);

        var save = HtmlForm.Find(document, new Uri("http://localhost/users/edit?id=7"), button: "Save");
        Assert.Equal("http://localhost/users/edit?id=7", save.Action.AbsoluteUri);
        Assert.Equal(
            ["__RequestVerificationToken=t1", "Input.Email=a@b.test", "Input.Admin=true", "Input.Role=y", "Input.Note=hi", "handler=save"],
            save.Fields.Select(f => $"{f.Key}={f.Value}"));

        var reset = HtmlForm.Find(document, new Uri("http://localhost/users/edit?id=7"), button: "Reset authenticator");
        Assert.Equal("/users/edit?id=7&handler=reset", reset.Action.PathAndQuery);
        Assert.DoesNotContain(reset.Fields, f => f.Key == "handler");

        Assert.Equal("t0", HtmlForm.Find(document, new Uri("http://localhost/"), action: "/logout")["__RequestVerificationToken"]);
        var error = Assert.Throws<InvalidOperationException>(() => HtmlForm.Find(document, new Uri("http://localhost/")));
        Assert.Contains("/users/edit?id=7 [Save, Reset authenticator]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_OnARealPage_AndSubmit()
    {
        using var client = factory.CreateBrowserClient();
        using var page = await client.GetAsync("/login");

        var form = await HtmlForm.FindAsync(page, action: "/login", button: "Log in");
        Assert.Equal("http://localhost/login", form.Action.AbsoluteUri);
        Assert.Equal(["ReturnUrl", "Input.OperatorCode", "Input.Login", "Input.Password", "__RequestVerificationToken"], form.Fields.Select(f => f.Key));

        using var response = await form.SubmitAsync(client, new Dictionary<string, string> { ["Input.Login"] = "x" });
        Assert.Equal("/login", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(HttpMethod.Post, response.RequestMessage.Method);
    }
}
