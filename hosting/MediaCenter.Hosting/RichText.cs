using Ganss.Xss;

namespace MediaCenter.Hosting;

/// <summary>
/// The one sanitiser of rich text (draft bodies typed in the newsroom, bodies of reprinted pages): scripts, event handlers and
/// javascript: links never reach storage. One configuration for every way a body arrives.
/// </summary>
/// <remarks>
/// A story body is text, headings, lists, links, images, quotes and tables. HtmlSanitizer's defaults also let forms and their
/// fields through (a fake sign-in form inside a published story), inline styles (text hidden or laid over the page) and
/// <c>id</c>/<c>name</c>/<c>class</c> (a body's elements taking the names of the page's own, or its look): none of those
/// belong in a story, so they are removed here.
/// </remarks>
public static class RichText
{
    private static readonly string[] FormTags =
        ["form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend", "datalist", "output", "meter", "progress"];

    private static readonly string[] PageAttributes = ["style", "id", "name", "class", "form", "formaction", "tabindex", "accesskey"];

    // Configured once here and never changed afterwards: HtmlSanitizer is safe to share for sanitising.
    private static readonly HtmlSanitizer Sanitizer = Create();

    /// <summary>The HTML with everything unsafe removed.</summary>
    public static string Sanitize(string html) => Sanitizer.Sanitize(html);

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        foreach (var tag in FormTags)
        {
            sanitizer.AllowedTags.Remove(tag);
        }

        foreach (var attribute in PageAttributes)
        {
            sanitizer.AllowedAttributes.Remove(attribute);
        }

        sanitizer.AllowedCssProperties.Clear();
        sanitizer.AllowedAtRules.Clear();
        return sanitizer;
    }
}
