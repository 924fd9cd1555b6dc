using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.Tickets;

/// <summary>
/// Attachments of a public complaint on real processes and PostgreSQL: filed through the JSON API, typed from their bytes, opened by
/// the handler on the ticket (never through the newsroom's media endpoint), named to the submitter, deleted with the personal data.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class TicketAttachmentFlowTests(IntegrationFixture fixture)
{
    private const string Phone = "13712345678";
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 7, 7, 7];
    private static readonly byte[] Pdf = "%PDF-1.4\n%test\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"u8.ToArray();

    private static string[] Names(JsonElement view) => [.. view.GetProperty("attachments").EnumerateArray().Select(e => e.GetString()!)];

    private static async Task<(string Challenge, string Nonce)> SolveAsync(HttpClient anonymous)
    {
        var issued = await anonymous.GetFromJsonAsync<JsonElement>("/api/public/tickets/challenge");
        var challenge = issued.Str("challenge");
        var bits = issued.GetProperty("bits").GetInt32();
        for (var n = 0; ; n++)
        {
            var nonce = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(challenge + ":" + nonce));
            if (Enumerable.Range(0, bits).All(i => (hash[i / 8] & (0x80 >> (i % 8))) == 0))
            {
                return (challenge, nonce);
            }
        }
    }

    private static async Task<JsonElement> FileAsync(HttpClient anonymous, object[] attachments, HttpStatusCode expected)
    {
        var (challenge, nonce) = await SolveAsync(anonymous);
        return await anonymous.MustAsync(HttpMethod.Post, "/api/public/tickets", new
        {
            kind = "Complaint",
            subject = "路灯不亮",
            content = "小区东门路灯一周不亮，见照片和说明。",
            phone = Phone,
            consent = true,
            challenge,
            nonce,
            attachments,
        }, expected);
    }

    [Fact]
    public async Task A_complaint_with_a_photo_and_a_pdf_is_opened_by_the_handler_named_to_the_submitter_and_erased_on_request()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "tka");
        using var anonymous = shared.Anonymous();

        var filed = await FileAsync(anonymous, [new { fileName = "路灯.png", data = Png }, new { fileName = "说明.pdf", data = Pdf }], HttpStatusCode.Created);
        var code = filed.Str("code");
        Assert.Equal(["路灯.png", "说明.pdf"], Names(filed));

        var ticket = (await people.Operator.MustAsync(HttpMethod.Get, $"/api/v1/tickets/{code}", null, HttpStatusCode.OK)).GetProperty("ticket");
        var attachments = ticket.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal([("路灯.png", "image/png"), ("说明.pdf", "application/pdf")], attachments.Select(a => (a.Str("fileName"), a.Str("contentType"))));
        var photo = attachments[0].Str("id");
        using (var opened = await people.Operator.GetAsync($"/api/v1/tickets/{code}/attachments/{photo}"))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
            Assert.Equal("image/png", opened.Content.Headers.ContentType!.MediaType);
            Assert.Equal(Png, await opened.Content.ReadAsByteArrayAsync());
        }

        // Not a newsroom file: the media endpoint does not know it, and another party and the public cannot open the ticket's files.
        Assert.Equal(HttpStatusCode.NotFound, await people.Operator.StatusAsync(HttpMethod.Get, $"/api/v1/media/{photo}"));
        Assert.Equal(HttpStatusCode.NotFound, await people.Member.StatusAsync(HttpMethod.Get, $"/api/v1/tickets/{code}/attachments/{photo}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await anonymous.StatusAsync(HttpMethod.Get, $"/api/v1/tickets/{code}/attachments/{photo}"));

        var followed = await anonymous.MustAsync(HttpMethod.Post, $"/api/public/tickets/{code}/view", new { contact = Phone }, HttpStatusCode.OK);
        Assert.Equal(["路灯.png", "说明.pdf"], Names(followed));

        await anonymous.MustAsync(HttpMethod.Post, $"/api/public/tickets/{code}/erasure", new { contact = Phone }, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NotFound, await people.Operator.StatusAsync(HttpMethod.Get, $"/api/v1/tickets/{code}/attachments/{photo}"));
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using var left = new NpgsqlCommand("SELECT count(*) FROM mc.media WHERE ticket_id = @id", connection);
        left.Parameters.AddWithValue("id", code);
        Assert.Equal(0L, (long)(await left.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_file_whose_bytes_are_not_an_image_or_pdf_is_refused_with_its_name_whatever_it_is_called()
    {
        var shared = await fixture.SharedAsync();
        using var anonymous = shared.Anonymous();
        var page = "<html><script>alert(1)</script></html>"u8.ToArray();

        var refused = await FileAsync(anonymous, [new { fileName = "照片.jpg", data = page }], HttpStatusCode.UnprocessableEntity);

        Assert.Contains("照片.jpg", refused.Str("detail"), StringComparison.Ordinal);
        var tooMany = await FileAsync(anonymous, Enumerable.Range(0, 4).Select(i => (object)new { fileName = $"{i}.png", data = Png }).ToArray(),
            HttpStatusCode.UnprocessableEntity);
        Assert.False(string.IsNullOrEmpty(tooMany.Str("detail")));
    }
}
