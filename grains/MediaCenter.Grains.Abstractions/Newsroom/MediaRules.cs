using System.Text;

namespace MediaCenter.Grains.Newsroom;

/// <summary>
/// Which files are accepted as materials and media (素材). The type is decided from the file's first bytes, never from
/// what the client claims; anything not on the list is refused.
/// </summary>
public static class MediaRules
{
    /// <summary>How many leading bytes decide the type.</summary>
    public const int HeadLength = 4096;

    /// <summary>The type of a file from its first bytes and name, or null when it is not accepted.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head, string fileName)
    {
        static bool At(ReadOnlySpan<byte> data, int offset, string ascii) =>
            data.Length >= offset + ascii.Length && data.Slice(offset, ascii.Length).SequenceEqual(Encoding.ASCII.GetBytes(ascii));

        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return "image/jpeg";
        }

        if (head.Length >= 8 && head[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            return "image/png";
        }

        if (At(head, 0, "GIF87a") || At(head, 0, "GIF89a"))
        {
            return "image/gif";
        }

        if (At(head, 0, "RIFF") && At(head, 8, "WEBP"))
        {
            return "image/webp";
        }

        if (At(head, 0, "%PDF-"))
        {
            return "application/pdf";
        }

        if (At(head, 4, "ftyp"))
        {
            return extension == ".mov" ? "video/quicktime" : "video/mp4";
        }

        if (At(head, 0, "ID3") || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && extension == ".mp3"))
        {
            return "audio/mpeg";
        }

        if (At(head, 0, "PK\u0003\u0004"))
        {
            return extension switch
            {
                ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                _ => null,
            };
        }

        if (extension is ".txt" or ".md" && !head.Contains((byte)0) && IsUtf8(head))
        {
            return "text/plain; charset=utf-8";
        }

        return null;
    }

    private static bool IsUtf8(ReadOnlySpan<byte> head)
    {
        // The sample may end inside a multi-byte character: ignore an incomplete tail.
        var length = head.Length;
        for (var back = 1; back <= 3 && length - back >= 0; back++)
        {
            if ((head[length - back] & 0xC0) == 0xC0)
            {
                length -= back;
                break;
            }

            if ((head[length - back] & 0x80) == 0)
            {
                break;
            }
        }

        return System.Text.Unicode.Utf8.IsValid(head[..length]);
    }
}
