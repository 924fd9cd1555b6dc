using Ganss.Xss;

namespace MediaCenter.Hosting;

/// <summary>
/// The one sanitiser of rich text (draft bodies typed in the newsroom, bodies of reprinted pages): scripts, event handlers and
/// javascript: links never reach storage. One configuration for every way a body arrives.
/// </summary>
public static class RichText
{
    // Configured once here and never changed afterwards: HtmlSanitizer is safe to share for sanitising.
    private static readonly HtmlSanitizer Sanitizer = new();

    /// <summary>The HTML with everything unsafe removed.</summary>
    public static string Sanitize(string html) => Sanitizer.Sanitize(html);
}
