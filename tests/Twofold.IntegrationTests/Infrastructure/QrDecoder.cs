using StbImageSharp;
using ZXing;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>Decodes a QR code PNG with an implementation independent of the app's QRCoder (ZXing.Net).</summary>
public static class QrDecoder
{
    public static string DecodeDataUri(string dataUri)
    {
        const string Prefix = "data:image/png;base64,";
        Assert.StartsWith(Prefix, dataUri);
        var png = Convert.FromBase64String(dataUri[Prefix.Length..]);
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        var source = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var reader = new BarcodeReaderGeneric { Options = { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true } };
        return reader.Decode(source)?.Text ?? throw new InvalidOperationException("No QR code found in the image.");
    }
}
