using System.IO.Compression;

namespace MediaCenter.Web.Api;

/// <summary>
/// Public bodies kept in memory and compressed once per version (feeds, hot-event Q&amp;A): the gzip copy is its own
/// representation, with its own ETag, served to readers that take gzip.
/// </summary>
internal static class GzipBodies
{
    /// <summary>The bytes, gzip-compressed.</summary>
    public static byte[] Compress(byte[] body)
    {
        using var buffer = new MemoryStream(body.Length / 4 + 64);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return buffer.ToArray();
    }

    /// <summary>True when the reader takes gzip (named with a non-zero quality, or through <c>*</c>).</summary>
    public static bool Accepted(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        if (accepted.FirstOrDefault(e => string.Equals(e.Value.Value, "gzip", StringComparison.OrdinalIgnoreCase)) is { } gzip)
        {
            return gzip.Quality is not 0;
        }

        return accepted.FirstOrDefault(e => e.Value == "*") is { } any && any.Quality is not 0;
    }

    /// <summary>The gzip copy's ETag for a strong ETag (<c>"v"</c> → <c>"v+gzip"</c>).</summary>
    public static string Tag(string etag) => etag[..^1] + "+gzip\"";

    /// <summary>True when If-None-Match names this version in either representation (or <c>*</c>).</summary>
    public static bool NotModified(HttpRequest request, string etag)
    {
        var gzipTag = Tag(etag);
        return request.GetTypedHeaders().IfNoneMatch.Any(t => t.Tag == "*" || t.Tag.ToString() == etag || t.Tag.ToString() == gzipTag);
    }

    /// <summary>Writes the version's ETag and Vary for the reader and answers its body, compressed when the reader takes gzip.</summary>
    public static IResult Answer(HttpContext http, string etag, byte[] body, Func<byte[]> gzipBody, string contentType)
    {
        var headers = http.Response.Headers;
        headers.Vary = "Accept-Encoding";
        if (Accepted(http.Request))
        {
            headers.ETag = Tag(etag);
            headers.ContentEncoding = "gzip";
            return Results.Bytes(gzipBody(), contentType);
        }

        headers.ETag = etag;
        return Results.Bytes(body, contentType);
    }
}
