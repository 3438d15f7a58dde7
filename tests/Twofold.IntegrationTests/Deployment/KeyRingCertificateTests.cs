using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Deployment;

/// <summary>DataProtection:CertificatePath encrypts the key ring stored in the (shared) database.</summary>
public sealed class KeyRingCertificateTests
{
    [Fact]
    public async Task WithCertificate_KeysInTheDatabaseAreEncrypted_AndTheAppWorks()
    {
        var folder = Directory.CreateTempSubdirectory("twofold-cert-");
        try
        {
            var path = Path.Combine(folder.FullName, "keyring.pfx");
            using (var rsa = RSA.Create(2048))
            {
                var request = new CertificateRequest("CN=Twofold key ring test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
                await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "pfx password"));
            }

            await using var factory = new CertificateFactory(path, "pfx password");
            await factory.InitializeAsync();
            var stories = new UserStories(factory);
            var user = await stories.NewUserAsync();
            await stories.SignInAsync(user); // antiforgery and cookies need the key ring

            var keys = await factory.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().ToListAsync());
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.Contains("EncryptedData", k.Xml!, StringComparison.Ordinal));
            Assert.All(keys, k => Assert.DoesNotContain("<masterKey", k.Xml!, StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task UnreadableCertificate_StopsStartUp_NamingTheKey()
    {
        await using var bad = new CertificateFactory(Path.Combine(Path.GetTempPath(), "no-such-keyring.pfx"), null);
        var error = await Assert.ThrowsAnyAsync<Exception>(bad.InitializeAsync);
        Assert.True(error.ToString().Contains("DataProtection:CertificatePath", StringComparison.Ordinal), error.ToString());
    }

    private sealed class CertificateFactory(string path, string? password) : TwofoldFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            settings["DataProtection:CertificatePath"] = path;
            settings["DataProtection:CertificatePassword"] = password;
        }
    }
}
