using MediaCenter.Hosting;

namespace MediaCenter.IntegrationTests.Newsroom;

/// <summary>What a story body may hold once sanitised (issue 15: HtmlSanitizer's defaults let forms and styles pass).</summary>
public sealed class RichTextTests
{
    [Fact]
    public void A_body_keeps_its_text_headings_lists_links_images_quotes_and_tables()
    {
        const string Body = "<h3>标题</h3><p><strong>加粗</strong> <em>强调</em> <a href=\"https://example.org/a\">链接</a></p>" +
            "<ul><li>一</li></ul><ol><li>二</li></ol><blockquote>引文</blockquote><img src=\"/api/v1/media/abc\" alt=\"图\">" +
            "<table><tbody><tr><td>表格</td></tr></tbody></table>";

        Assert.Equal(Body, RichText.Sanitize(Body));
    }

    [Fact]
    public void A_body_loses_forms_fields_styles_and_the_names_of_the_page()
    {
        var clean = RichText.Sanitize(
            "<form action=\"https://evil.example/\"><label>密码</label><input name=\"password\" type=\"password\"><button>登录</button>" +
            "<select><option>一</option></select><textarea>x</textarea></form>" +
            "<p style=\"position:fixed;top:0;left:0;width:100%\" id=\"sign-in\" class=\"card\" name=\"x\">正文</p>");

        foreach (var gone in new[] { "<form", "<input", "<button", "<select", "<option", "<textarea", "<label", "style=", "id=", "class=", "name=", "position" })
        {
            Assert.DoesNotContain(gone, clean, StringComparison.OrdinalIgnoreCase);
        }

        // The paragraph's text stays; a fake form goes whole, its labels too.
        Assert.Equal("<p>正文</p>", clean);
    }
}
