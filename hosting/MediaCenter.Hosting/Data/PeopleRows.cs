using MediaCenter.Database.Data;
using MediaCenter.Grains.People;

namespace MediaCenter.Hosting.Data;

/// <summary>
/// A row of mc.staff as the silo's journal writes it and the web's lists read it (<c>SELECT *</c> plus the jsonb columns
/// as <c>skills_text</c> and <c>certificates_text</c>), mapped by name.
/// </summary>
public sealed record StaffRow
{
    /// <summary>The columns a list selects.</summary>
    public const string Select = "SELECT *, skills::text AS skills_text, certificates::text AS certificates_text, trainings::text AS trainings_text FROM mc.staff";

    public required string Id { get; init; }

    public required string Organisation { get; init; }

    public required OrganisationSide Side { get; init; }

    public string? PartyId { get; init; }

    public required string Name { get; init; }

    public required StaffPost Post { get; init; }

    public required EducationLevel Education { get; init; }

    public required int ExperienceYears { get; init; }

    public required string SkillsText { get; init; }

    public required string CertificatesText { get; init; }

    public required string TrainingsText { get; init; }

    public string? NationalIdMasked { get; init; }

    public string? PhoneMasked { get; init; }

    public Guid? UserId { get; init; }

    public required StaffState State { get; init; }

    public required long Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public bool PublishConsent { get; init; }

    public StaffView ToView() =>
        new(Id, Organisation, Side, PartyId, Name, Post, Education, ExperienceYears, PersistedJson.Deserialize<List<string>>(SkillsText) ?? [],
            PersistedJson.Deserialize<List<StaffCertificate>>(CertificatesText) ?? [], NationalIdMasked, PhoneMasked, UserId, State, Version, CreatedAt,
            UpdatedAt, PersistedJson.Deserialize<List<StaffTraining>>(TrainingsText) ?? [], PublishConsent);
}
