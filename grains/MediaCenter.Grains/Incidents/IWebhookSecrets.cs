namespace MediaCenter.Grains.Incidents;

/// <summary>
/// Seals webhook signing secrets for storage (the table the delivery worker reads and the webhook grain's state never hold one in
/// clear) and opens them where a delivery is signed or the creation is answered. The silo's seal is the Data Protection key ring,
/// itself sealed by the installation's key file outside PostgreSQL.
/// </summary>
public interface IWebhookSecrets
{
    /// <summary>A secret as it is stored.</summary>
    string Seal(string secret);

    /// <summary>A stored secret in clear; one stored before secrets were sealed is returned as it is.</summary>
    string Open(string stored);

    /// <summary>Whether a stored value is sealed.</summary>
    bool IsSealed(string stored);
}
