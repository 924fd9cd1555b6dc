using MediaCenter.Database.Data;
using MediaCenter.Grains.Operations;

namespace MediaCenter.Hosting.Data;

/// <summary>
/// A row of mc.drills as the silo's journal and the web's lists read it (<c>SELECT *</c> plus the jsonb columns as
/// <c>participants_text</c>, <c>findings_text</c>, <c>follow_ups_text</c>, and optionally an <c>overdue</c> flag), mapped by name.
/// </summary>
public sealed record DrillRow
{
    public required string Id { get; init; }

    public required string PlanId { get; init; }

    public required string PartyId { get; init; }

    public required string Scenario { get; init; }

    public required DateTimeOffset ScheduledAt { get; init; }

    public required DrillState State { get; init; }

    public int? PlanVersion { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public required string ParticipantsText { get; init; }

    public required string FindingsText { get; init; }

    public required string FollowUpsText { get; init; }

    public string? Summary { get; init; }

    public string? CancelReason { get; init; }

    public required string ScheduledByName { get; init; }

    public string? RecordedByName { get; init; }

    public DateTimeOffset? RecordedAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required long Version { get; init; }

    /// <summary>Scheduled and its time passed without a record; false where the query does not ask.</summary>
    public bool Overdue { get; init; }

    public DrillView ToView() =>
        new(Id, PlanId, PartyId, Scenario, ScheduledAt, State, PlanVersion, StartedAt, EndedAt,
            PersistedJson.Deserialize<List<DrillParticipant>>(ParticipantsText) ?? [],
            PersistedJson.Deserialize<List<string>>(FindingsText) ?? [],
            PersistedJson.Deserialize<List<DrillFollowUp>>(FollowUpsText) ?? [],
            Summary, CancelReason, ScheduledByName, RecordedByName, RecordedAt, UpdatedAt, Version, Overdue, CreatedAt);
}

/// <summary>A row of mc.campaigns (<c>SELECT *</c>), mapped by name.</summary>
public sealed record CampaignRow
{
    public required string Id { get; init; }

    public required string PartyId { get; init; }

    public required string Title { get; init; }

    public required CampaignKind Kind { get; init; }

    public required DateOnly StartsOn { get; init; }

    public required DateOnly EndsOn { get; init; }

    public required string Description { get; init; }

    public required CampaignSupport Support { get; init; }

    public string? SupportNote { get; init; }

    public string? SupportedByName { get; init; }

    public DateTimeOffset? SupportedAt { get; init; }

    public required Guid RegisteredBy { get; init; }

    public required string RegisteredByName { get; init; }

    public required DateTimeOffset RegisteredAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required CampaignState State { get; init; }

    public string? WithdrawReason { get; init; }

    public DateTimeOffset? WithdrawnAt { get; init; }

    public required long Version { get; init; }

    public CampaignView ToView() =>
        new(Id, PartyId, Title, Kind, StartsOn, EndsOn, Description, Support, SupportNote, SupportedByName, SupportedAt, RegisteredByName, RegisteredAt,
            UpdatedAt, State, WithdrawReason, WithdrawnAt, Version, RegisteredBy);
}
