using Dapper;
using MediaCenter.Grains.Incidents;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// Webhook secrets sealed with the Data Protection key ring every MediaCenter process shares (kept in PostgreSQL, itself sealed by
/// the installation's key file): a dump or a backup of the database holds no secret a receiver trusts.
/// </summary>
internal sealed class DataProtectionWebhookSecrets(IDataProtectionProvider provider) : IWebhookSecrets
{
    private const string Prefix = "dp1:";
    private readonly IDataProtector _protector = provider.CreateProtector("MediaCenter.Webhooks.Secret.v1");

    public string Seal(string secret) => Prefix + _protector.Protect(secret);

    public string Open(string stored) => IsSealed(stored) ? _protector.Unprotect(stored[Prefix.Length..]) : stored;

    public bool IsSealed(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);
}

/// <summary>Seals, at start-up, the webhook secrets stored in clear before they were sealed.</summary>
internal sealed partial class SealWebhookSecrets(NpgsqlDataSource db, IWebhookSecrets secrets, ILogger<SealWebhookSecrets> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var clear = (await connection.QueryAsync<(Guid Id, string Secret)>(new CommandDefinition(
            "SELECT id, secret FROM mc.webhooks WHERE secret NOT LIKE 'dp1:%'", cancellationToken: cancellationToken))).ToList();
        foreach (var (id, secret) in clear)
        {
            // Only a row still in clear: two silos starting together seal each once.
            await connection.ExecuteAsync(new CommandDefinition("UPDATE mc.webhooks SET secret = @sealed WHERE id = @id AND secret = @secret",
                new { id, secret, @sealed = secrets.Seal(secret) }, cancellationToken: cancellationToken));
        }

        if (clear.Count > 0)
        {
            LogSealed(logger, clear.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} webhook secret(s) stored in clear are now sealed")]
    private static partial void LogSealed(ILogger logger, int count);
}
