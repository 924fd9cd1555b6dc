using System.Security.Cryptography;
using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.Tests.Newsroom;

/// <summary>Uploads as grain commands: size, type by bytes, hash, and one stored file per operation.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MediaGrainTests(ClusterFixture fixture)
{
    // The fixture limits uploads to 1 KiB.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    private static readonly Guid Editor = new("e1000000-0000-0000-0000-000000000001");

    [Fact]
    public async Task An_upload_is_typed_by_its_bytes_hashed_stored_before_the_answer_and_a_repeat_answers_the_same_file()
    {
        var id = Guid.NewGuid();
        var media = fixture.Grains.GetGrain<IMediaGrain>(id);

        var stored = await media.UploadAsync(new MediaUpload("news", "dir/photo.PNG", Png, Editor), MediaRole.Member, "up-1");
        var file = ClusterFixture.Media.FileOf(id);
        var writes = ClusterFixture.Media.Writes;
        var repeat = await media.UploadAsync(new MediaUpload("news", "dir/photo.PNG", Png, Editor), MediaRole.Member, "up-1");

        Assert.True(stored.Ok, stored.Message);
        Assert.Equal(("image/png", "photo.PNG", (long)Png.Length), (stored.Info!.ContentType, stored.Info.FileName, stored.Info.SizeBytes));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Png)), stored.Info.Sha256);
        Assert.NotNull(file);
        Assert.Equal((stored.Info, Editor), (file.Value.Info, file.Value.By));
        Assert.Equal(Png, file.Value.Data);
        Assert.Equal(stored.Info, repeat.Info);
        Assert.Equal(writes, ClusterFixture.Media.Writes);
    }

    [Fact]
    public async Task An_executable_named_png_is_an_unsupported_type_and_an_oversized_file_is_too_large_and_neither_is_stored()
    {
        var fakeId = Guid.NewGuid();
        var bigId = Guid.NewGuid();

        var fake = await fixture.Grains.GetGrain<IMediaGrain>(fakeId)
            .UploadAsync(new MediaUpload("news", "photo.png", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00], Editor), MediaRole.Member, "fake");
        var big = await fixture.Grains.GetGrain<IMediaGrain>(bigId)
            .UploadAsync(new MediaUpload("news", "big.png", [.. Png, .. new byte[1024]], Editor), MediaRole.Member, "big");
        var outsider = await fixture.Grains.GetGrain<IMediaGrain>(Guid.NewGuid())
            .UploadAsync(new MediaUpload("news", "photo.png", Png, Editor), MediaRole.None, "outsider");

        Assert.Equal(MediaOutcome.UnsupportedType, fake.Outcome);
        Assert.Equal(MediaOutcome.TooLarge, big.Outcome);
        Assert.Equal(MediaOutcome.Forbidden, outsider.Outcome);
        Assert.Null(ClusterFixture.Media.FileOf(fakeId));
        Assert.Null(ClusterFixture.Media.FileOf(bigId));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "a.jpg", "image/jpeg")]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "a.pdf", "application/pdf")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 }, "a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 }, "a.zip", null)]
    [InlineData(new byte[] { 0xE4, 0xBD, 0xA0, 0xE5, 0xA5 }, "note.txt", "text/plain; charset=utf-8")]
    [InlineData(new byte[] { 0x68, 0x00, 0x69 }, "note.txt", null)]
    public void The_type_comes_from_the_first_bytes_with_the_name_only_telling_containers_apart(byte[] head, string name, string? type) =>
        Assert.Equal(type, MediaRules.Sniff(head, name));
}
