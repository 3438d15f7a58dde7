using System.Text;
using Twofold.Web;

namespace Twofold.Audit;

/// <summary>
/// CSV export (RFC 4180). Every cell is quoted, and a cell a spreadsheet would read as a formula
/// (starting with = + - @, tab or carriage return) gets a leading apostrophe: user agents and logins
/// are attacker-chosen text (CSV injection, OWASP).
/// </summary>
public static class AuditCsv
{
    public static readonly string Header = Row(["Time (UTC)", "Event", "Login", "Acting administrator", "Client IP", "User agent", "Detail"]);

    public static string Line(AuditEvent e) =>
        Row([FormText.Iso(e.At), e.Type.ToString(), e.Login, e.ActorLogin, e.ClientIp, e.UserAgent, e.Detail]);

    public static string Cell(string? value)
    {
        value ??= string.Empty;
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string Row(IEnumerable<string?> cells)
    {
        var line = new StringBuilder();
        foreach (var cell in cells)
        {
            if (line.Length > 0)
            {
                line.Append(',');
            }

            line.Append(Cell(cell));
        }

        return line.Append("\r\n").ToString();
    }
}
