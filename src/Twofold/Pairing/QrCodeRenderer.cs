using QRCoder;

namespace Twofold.Pairing;

/// <summary>Renders the otpauth URI as a PNG data URI, so the secret never travels in a second request or URL.</summary>
public sealed class QrCodeRenderer
{
    public string PngDataUri(string payload)
    {
        using var data = QRCodeGenerator.GenerateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(6);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
