using MediaCenter.Grains.People;

namespace MediaCenter.Grains.Public;

/// <summary>
/// What an organisation publishes about itself (公开信息, standard §12.4.1): a short introduction, its services, opening
/// hours, address and the contacts for enquiries and supervision, and how complaints reach it and how disputes are settled
/// (§11.1.1, §11.2.1: the channels and the rules published). Everything here is meant for the public pages /public/info and
/// /public/complaint; nothing personal belongs in it. <see cref="Version"/> grows with every change.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.PublicProfile")]
public sealed record PublicProfile(
    [property: Id(0)] string Organisation,
    [property: Id(1)] string? Introduction,
    [property: Id(2)] IReadOnlyList<string> Services,
    [property: Id(3)] string? OpeningHours,
    [property: Id(4)] string? Address,
    [property: Id(5)] string? Phone,
    [property: Id(6)] string? Email,
    [property: Id(7)] string? SupervisionPhone,
    [property: Id(8)] long Version,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] string UpdatedBy,
    [property: Id(11)] string? ComplaintChannels = null,
    [property: Id(12)] string? DisputeRules = null);

/// <summary>One change of a public profile as its history keeps it: the version it made, who, when, and which fields changed.</summary>
[GenerateSerializer, Immutable, Alias("mc.PublicProfileChange")]
public sealed record PublicProfileChange(
    [property: Id(0)] string Organisation,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] Guid? ActorId,
    [property: Id(4)] string Actor,
    [property: Id(5)] IReadOnlyList<string> Changed);

/// <summary>Sets an organisation's public profile whole; empty fields are published as absent.</summary>
[GenerateSerializer, Immutable, Alias("mc.SetPublicProfile")]
public sealed record SetPublicProfile(
    [property: Id(0)] string? Introduction,
    [property: Id(1)] IReadOnlyList<string>? Services,
    [property: Id(2)] string? OpeningHours,
    [property: Id(3)] string? Address,
    [property: Id(4)] string? Phone,
    [property: Id(5)] string? Email,
    [property: Id(6)] string? SupervisionPhone,
    [property: Id(7)] string? ComplaintChannels = null,
    [property: Id(8)] string? DisputeRules = null);

/// <summary>The state of a public profile: it exists once set, and each change replaces it whole.</summary>
public enum PublicProfileState
{
    /// <summary>A profile is published.</summary>
    Published,
}

/// <summary>What can be done to a public profile.</summary>
public enum PublicProfileCommandType
{
    /// <summary>The organisation's admin sets (or replaces) the profile.</summary>
    SetProfile,
}

/// <summary>One allowed move of a public profile.</summary>
public sealed record PublicProfileTransition(PublicProfileState? From, PublicProfileCommandType Command, StaffRole Roles, PublicProfileState To, string Note);

/// <summary>The public profile's state table as data (docs/PUBLIC.md prints it; the grain tests walk it).</summary>
public static class PublicProfileWorkflow
{
    /// <summary>The longest introduction, in characters.</summary>
    public const int MaxIntroduction = 2000;

    /// <summary>The most services listed.</summary>
    public const int MaxServices = 30;

    /// <summary>The longest short field (a service, the hours, the address, a contact), in characters.</summary>
    public const int MaxField = 200;

    /// <summary>Every allowed move.</summary>
    public static IReadOnlyList<PublicProfileTransition> Transitions { get; } =
    [
        new(null, PublicProfileCommandType.SetProfile, StaffRole.OrganisationAdmin, PublicProfileState.Published, "introduction, services, hours, address, contacts"),
        new(PublicProfileState.Published, PublicProfileCommandType.SetProfile, StaffRole.OrganisationAdmin, PublicProfileState.Published, "replaces the profile whole"),
    ];
}

/// <summary>The outcome of a public-profile command.</summary>
[GenerateSerializer, Immutable, Alias("mc.PublicProfileResult")]
public sealed record PublicProfileResult(
    [property: Id(0)] StaffOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] PublicProfile? Profile,
    [property: Id(3)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == StaffOutcome.Applied;
}

/// <summary>An organisation's public profile (key: <see cref="Organisation.Key"/>), set by its admins (<see cref="PublicProfileWorkflow"/>).</summary>
[Alias("mc.IPublicProfileGrain")]
public interface IPublicProfileGrain : IGrainWithStringKey
{
    /// <summary>Sets the profile (idempotent per operation id).</summary>
    [Alias("Set")]
    Task<PublicProfileResult> SetAsync(SetPublicProfile command, StaffActor actor, string operationId);

    /// <summary>The published profile, or null when none was set.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<PublicProfile?> GetAsync();
}
