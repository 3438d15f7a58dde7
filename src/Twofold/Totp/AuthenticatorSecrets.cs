using Microsoft.AspNetCore.DataProtection;

namespace Twofold.Totp;

/// <summary>Encrypts authenticator secrets at rest with ASP.NET Core Data Protection (keys in the database).</summary>
public sealed class AuthenticatorSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("Twofold.AuthenticatorSecret.v1");

    public string Protect(byte[] secret) => Convert.ToBase64String(protector.Protect(secret));

    public byte[] Unprotect(string protectedSecret) => protector.Unprotect(Convert.FromBase64String(protectedSecret));
}
