namespace Twofold.Login;

/// <summary>
/// What the code dialog (<c>_CodeDialog.cshtml</c>) shows. Rendered by the password step's own answer (no
/// redirect: one round trip less per sign-in) and by <c>/login/two-factor</c> (a refused code, a reload).
/// </summary>
/// <param name="Input">The posted fields; their names (<c>Input.Code</c>, <c>Input.RememberDevice</c>) are what <c>/login/two-factor</c> binds.</param>
/// <param name="ReturnUrl">A local path, already checked.</param>
/// <param name="RememberDays">The operator's "remember a device" days; 0 hides the checkbox.</param>
public sealed record CodeDialog(TwoFactorModel.InputModel Input, string? ReturnUrl, int RememberDays);
