using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.People;

/// <summary>
/// Certificate scans (证书扫描件) through the HTTP API on real processes and PostgreSQL: typed from their bytes, size-limited,
/// stored encrypted, seen only by the organisation's admins and the person themself, every view audited.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class CertificateScanApiTests(IntegrationFixture fixture)
{
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string path, byte[] data, string name, string? key = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(data);
        file.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".pdf", StringComparison.Ordinal) ? "application/pdf" : "image/png");
        form.Add(file, "file", name);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return await client.SendAsync(request);
    }

    private static async Task<(string Id, Guid Account)> RecordAsync(SharedDeployment shared, OpsPeople people, string username)
    {
        var account = await shared.Deployment.Identity.PartyUserAsync(username, people.PartyA, PartyRoles.Member);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var record = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people", new
        {
            name = "陈扫描",
            post = "Staff",
            education = "Bachelor",
            experienceYears = 2,
            userId = account,
            certificates = new[] { new { type = "广播电视编辑记者资格证", number = "SC-1", issuer = "国家广播电视总局", validFrom = today.AddYears(-1), validTo = (DateOnly?)null } },
        }, HttpStatusCode.Created);
        return (record.Str("id"), account);
    }

    [Fact]
    public async Task A_pdf_or_png_scan_is_accepted_and_stored_encrypted_and_an_html_file_named_pdf_or_one_over_5_mb_is_refused()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "scn");
        var (id, _) = await RecordAsync(shared, people, "scn-person");
        var path = $"/api/v1/people/{id}/certificates/SC-1/scan";

        var html = await UploadAsync(people.PartyAdmin, path, Encoding.UTF8.GetBytes("<!doctype html><html><script>alert(1)</script></html>"), "证书.pdf");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, html.StatusCode);
        Assert.Contains("PDF、JPEG 或 PNG", await html.Content.ReadAsStringAsync());

        var large = new byte[5 * 1024 * 1024 + 1];
        Pdf.CopyTo(large, 0);
        var tooLarge = await UploadAsync(people.PartyAdmin, path, large, "大.pdf");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("5 MB", await tooLarge.Content.ReadAsStringAsync());

        // Exactly 5 MB is accepted (and travels to the grain and PostgreSQL encrypted).
        var atLimit = await UploadAsync(people.PartyAdmin, path, large[..(5 * 1024 * 1024)], "满.pdf");
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);

        var noKey = await UploadAsync(people.PartyAdmin, path, Pdf, "证书.pdf", key: "");
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        var byMember = await UploadAsync(people.Member, path, Pdf, "证书.pdf");
        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        var noSuchCertificate = await UploadAsync(people.PartyAdmin, $"/api/v1/people/{id}/certificates/NONE/scan", Pdf, "证书.pdf");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noSuchCertificate.StatusCode);

        var pdf = await UploadAsync(people.PartyAdmin, path, Pdf, "证书.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        var pdfScan = JsonDocument.Parse(await pdf.Content.ReadAsStringAsync()).RootElement.GetProperty("certificates")[0].GetProperty("scan");
        Assert.Equal(("application/pdf", (long)Pdf.Length), (pdfScan.Str("contentType"), pdfScan.GetProperty("sizeBytes").GetInt64()));

        // Stored, not in clear: the row holds the personal-data key's ciphertext, not the PDF's bytes. The 5 MB scan it replaced is gone.
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        async Task<List<(string Type, byte[] Data)>> RowsAsync()
        {
            await using var command = new NpgsqlCommand("SELECT content_type, data FROM mc.staff_documents WHERE person_id = @p ORDER BY uploaded_at", connection);
            command.Parameters.AddWithValue("p", id);
            var rows = new List<(string Type, byte[] Data)>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), (byte[])reader[1]));
            }

            return rows;
        }

        // Whole runs of the plain bytes, not their 3- or 4-byte signatures: those turn up by chance in 5 MB of ciphertext (a CI run
        // found "PNG" in it).
        var stored = Assert.Single(await RowsAsync());
        Assert.Equal(("application/pdf", -1), (stored.Type, stored.Data.AsSpan().IndexOf(Pdf.AsSpan(0, 16))));

        // A PNG replaces it, on the record and in the table.
        var png = await UploadAsync(people.PartyAdmin, path, Png, "证书.png");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        var pngScan = JsonDocument.Parse(await png.Content.ReadAsStringAsync()).RootElement.GetProperty("certificates")[0].GetProperty("scan");
        Assert.Equal("image/png", pngScan.Str("contentType"));
        stored = Assert.Single(await RowsAsync());
        Assert.Equal(("image/png", -1), (stored.Type, stored.Data.AsSpan().IndexOf(Png.AsSpan(0, 16))));
    }

    [Fact]
    public async Task The_admin_and_the_person_see_the_scan_and_each_view_is_audited_and_another_partys_admin_or_a_plain_member_do_not()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "scv");
        var (id, _) = await RecordAsync(shared, people, "scv-person");
        var path = $"/api/v1/people/{id}/certificates/SC-1/scan";
        Assert.Equal(HttpStatusCode.NotFound, (await people.PartyAdmin.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(people.PartyAdmin, path, Png, "证书.png")).StatusCode);
        using var person = await TestIdentity.SignInAsync(shared.Web.Http, "scv-person");

        foreach (var allowed in new[] { people.PartyAdmin, person })
        {
            using var view = await allowed.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
            Assert.Equal("image/png", view.Content.Headers.ContentType!.MediaType);
            Assert.Equal(Png, await view.Content.ReadAsByteArrayAsync());
            Assert.Contains("no-store", view.Headers.CacheControl!.ToString());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await people.OtherParty.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await people.Member.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await people.Management.GetAsync(path)).StatusCode);

        // Two views (the admin's and the person's), each in the operation log as a personal-data view of the record; refusals are no view.
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM mc.audit_log WHERE action = @a AND target = @t", connection);
        command.Parameters.AddWithValue("a", "VIEW " + path);
        command.Parameters.AddWithValue("t", "staff:" + id);
        Assert.Equal(2L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task The_full_id_number_and_phone_are_for_the_admin_and_the_person_each_view_audited_and_erasure_removes_them_with_the_scans()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "spd");
        var account = await shared.Deployment.Identity.PartyUserAsync("spd-person", people.PartyA, PartyRoles.Member);
        var record = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people", new
        {
            name = "林个人",
            post = "Staff",
            education = "Bachelor",
            experienceYears = 2,
            userId = account,
            nationalId = "110101199003070011",
            phone = "13800000011",
            certificates = new[] { new { type = "广播电视编辑记者资格证", number = "SC-1", issuer = "国家广播电视总局", validFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-1), validTo = (DateOnly?)null } },
        }, HttpStatusCode.Created);
        var id = record.Str("id");
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(people.PartyAdmin, $"/api/v1/people/{id}/certificates/SC-1/scan", Png, "证书.png")).StatusCode);
        var path = $"/api/v1/people/{id}/personal-data";
        using var person = await TestIdentity.SignInAsync(shared.Web.Http, "spd-person");

        foreach (var allowed in new[] { people.PartyAdmin, person })
        {
            var full = await allowed.MustAsync(HttpMethod.Get, path, null, HttpStatusCode.OK);
            Assert.Equal(("110101199003070011", "13800000011"), (full.Str("nationalId"), full.Str("phone")));
        }

        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.Forbidden, await people.Member.StatusAsync(HttpMethod.Get, path));
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(2L, await ScalarAsync<long>(connection, "SELECT count(*) FROM mc.audit_log WHERE action = 'VIEW ' || @p AND target = @t", path, "staff:" + id));

        // Deletion on request: only the admin; then nothing of it is left, in the record, the read table or the documents.
        Assert.Equal(HttpStatusCode.Forbidden, await person.StatusAsync(HttpMethod.Delete, path));
        var erased = await people.PartyAdmin.MustAsync(HttpMethod.Delete, path + "?reason=" + Uri.EscapeDataString("本人申请删除"), null, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, erased.GetProperty("phoneMasked").ValueKind);
        var after = await people.PartyAdmin.MustAsync(HttpMethod.Get, path, null, HttpStatusCode.OK);
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (after.GetProperty("nationalId").ValueKind, after.GetProperty("phone").ValueKind));
        Assert.Equal(HttpStatusCode.NotFound, await people.PartyAdmin.StatusAsync(HttpMethod.Get, $"/api/v1/people/{id}/certificates/SC-1/scan"));
        Assert.Equal(0L, await ScalarAsync<long>(connection, "SELECT count(*) FROM mc.staff_documents WHERE person_id = @p", id, null));
        // The read table follows the record.
        for (var i = 0; i < 50 && await ScalarAsync<long>(connection,
                 "SELECT count(*) FROM mc.staff WHERE id = @p AND (national_id_masked IS NOT NULL OR phone_masked IS NOT NULL)", id, null) > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0L, await ScalarAsync<long>(connection,
            "SELECT count(*) FROM mc.staff WHERE id = @p AND (national_id_masked IS NOT NULL OR phone_masked IS NOT NULL)", id, null));
        Assert.Equal("林个人", (await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/people/{id}", null, HttpStatusCode.OK)).Str("name"));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, string p, string? t)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", p);
        if (t is not null)
        {
            command.Parameters.AddWithValue("t", t);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
