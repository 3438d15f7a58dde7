using System.Globalization;
using Microsoft.AspNetCore.Http.Features;

namespace Twofold.Web;

/// <summary>
/// One size limit for every request body. Our forms carry a few short fields, so anything near a
/// megabyte is an attack or a mistake; refusing it early keeps memory and hashing time bounded.
/// </summary>
internal static class RequestLimits
{
    public const long MaxBodyBytes = 64 * 1024;

    public static readonly string TooLargeMessage =
        $"The request was larger than this site accepts (at most {(MaxBodyBytes / 1024).ToString(CultureInfo.InvariantCulture)} kB). Go back, shorten what you entered and try again.";

    /// <summary>Kestrel and the form reader enforce the limit too, for bodies without a Content-Length (chunked).</summary>
    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.Configure<FormOptions>(o =>
        {
            o.ValueLengthLimit = (int)MaxBodyBytes;
            o.MultipartBodyLengthLimit = MaxBodyBytes;
            o.BufferBodyLengthLimit = MaxBodyBytes;
        });
        return builder;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > MaxBodyBytes)
            {
                await PlainErrorPage.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Too large", TooLargeMessage);
                return;
            }

            // No Content-Length (chunked): read at most the limit ourselves; our forms are small, so buffering is cheap.
            if (context.Request.ContentLength is null && HttpMethods.IsPost(context.Request.Method))
            {
                var buffered = new MemoryStream();
                var chunk = new byte[8192];
                int read;
                while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
                {
                    buffered.Write(chunk, 0, read);
                    if (buffered.Length > MaxBodyBytes)
                    {
                        await PlainErrorPage.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Too large", TooLargeMessage);
                        return;
                    }
                }

                buffered.Position = 0;
                context.Request.Body = buffered;
                context.Response.RegisterForDispose(buffered);
            }

            var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (feature is { IsReadOnly: false })
            {
                feature.MaxRequestBodySize = MaxBodyBytes;
            }

            try
            {
                await next(context);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
            {
                // A chunked body that grew past the limit while being read.
                await PlainErrorPage.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Too large", TooLargeMessage);
            }
        });
}
