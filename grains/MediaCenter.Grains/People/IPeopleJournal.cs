namespace MediaCenter.Grains.People;

/// <summary>
/// Where staff records leave the grains: the read table behind the people lists (<c>mc.staff</c>, masked personal
/// fields only) and the history in the event log (entity type <c>staff</c>). Implemented on PostgreSQL by the silo;
/// idempotent and version-guarded, so a retry or a replay after activation is harmless.
/// </summary>
public interface IPeopleJournal
{
    /// <summary>Brings the read table up to the record's version and appends the history entry when there is one.</summary>
    Task RecordStaffAsync(StaffView staff, StaffHistoryEntry? entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the certificate scans stored for a person, except those in <paramref name="keep"/>: every one on deletion on
    /// request (null), the ones no certificate shows any more after a scan was replaced or a certificate removed. Deleting none is
    /// no error.
    /// </summary>
    Task DeleteCertificateScansAsync(string personId, IReadOnlyCollection<Guid>? keep = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a certificate scan's encrypted bytes with its description in <c>mc.staff_documents</c>. Writing the same id
    /// again changes nothing (a retry after a lost acknowledgement).
    /// </summary>
    Task StoreCertificateScanAsync(string personId, string organisation, string certificateNumber, CertificateScan scan, byte[] protectedData, Guid uploadedBy,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Brings the training read tables (<c>mc.training_plans</c>, <c>mc.training_sessions</c>, <c>mc.training_obligations</c>) up to
    /// the rows given, each guarded by its own version.
    /// </summary>
    Task RecordTrainingAsync(IReadOnlyList<TrainingPlan> plans, IReadOnlyList<TrainingSession> sessions, IReadOnlyList<TrainingObligation> obligations,
        CancellationToken cancellationToken = default);
}

/// <summary>Settings of the staff rules (section <c>People</c>, shared with <see cref="EditorOptions"/>).</summary>
public sealed class StaffOptions
{
    /// <summary>How many days ahead an expiring certificate is reminded of, and the ratio forecast looks.</summary>
    public int CertificateReminderDays { get; set; } = 60;

    /// <summary>The zone whose calendar days the certificates' validity uses.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>How often a roster checks itself again without any change (certificates expire on their own).</summary>
    public TimeSpan ReviewEvery { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How many days a re-training obligation gives before it is overdue (§8.1.5.5).</summary>
    public int RetrainingDueDays { get; set; } = 30;
}
