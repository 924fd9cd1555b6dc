using Microsoft.Extensions.Options;

namespace MediaCenter.Hosting;

/// <summary>Where the PostgreSQL database is. Bound from <c>ConnectionStrings:MediaCenter</c>.</summary>
public sealed class DatabaseSettings
{
    /// <summary>The configuration key, named in error messages.</summary>
    public const string Key = "ConnectionStrings:MediaCenter";

    /// <summary>An Npgsql connection string.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Connections per pool unless the connection string says otherwise (Npgsql's own default is 100).</summary>
    public const int DefaultMaxPoolSize = 40;

    /// <summary>
    /// The connection string with MediaCenter's defaults where it says nothing: statements that repeat are prepared on
    /// the server once per connection (Npgsql's automatic preparation), so PostgreSQL does not parse and plan them on
    /// every call; and a pooled connection is not reset each time it goes back to the pool (MediaCenter never changes
    /// session settings: every lock and setting it takes is transaction-scoped or released explicitly). A connection string
    /// that sets <c>Max Auto Prepare</c>, <c>No Reset On Close</c> or <c>Maximum Pool Size</c> keeps its own value; the pool is
    /// otherwise capped at <see cref="DefaultMaxPoolSize"/> connections.
    /// </summary>
    public static string WithDefaults(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }

        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            // Npgsql's own ContainsKey answers for every keyword it knows: look at what the string itself says.
            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
            if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
            {
                builder.MaxAutoPrepare = 64;
                builder.AutoPrepareMinUsages = 2;
            }

            if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
            {
                builder.NoResetOnClose = true;
            }

            if (!new[] { "Maximum Pool Size", "MaxPoolSize" }.Any(given.ContainsKey))
            {
                // A process has a few pools (Orleans' storage, the journals): at Npgsql's 100 each, a storm of 300 terminals
                // writing at once took every connection of a server with max_connections 300, and writes failed (53300).
                // Capped, a burst waits its turn for a connection instead.
                builder.MaxPoolSize = DefaultMaxPoolSize;
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            // The validator names the problem.
            return connectionString;
        }
    }
}

/// <summary>Which Orleans cluster a process belongs to. Bound from the <c>Cluster</c> section.</summary>
public sealed class ClusterSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Cluster";

    /// <summary>The deployment: silos and clients with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "mediacenter";

    /// <summary>The service: grain state and reminders are keyed by it, so it survives redeployments.</summary>
    public string ServiceId { get; set; } = "mediacenter";
}

internal sealed class DatabaseSettingsValidator : IValidateOptions<DatabaseSettings>
{
    public ValidateOptionsResult Validate(string? name, DatabaseSettings options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"{DatabaseSettings.Key} is not set: give a PostgreSQL connection string " +
                "(environment variable ConnectionStrings__MediaCenter, or MEDIACENTER_DB for ./mediacenter).");
        }

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{DatabaseSettings.Key} is not a valid PostgreSQL connection string: {ex.Message}");
        }

        return ValidateOptionsResult.Success;
    }
}

internal sealed class ClusterSettingsValidator : IValidateOptions<ClusterSettings>
{
    public ValidateOptionsResult Validate(string? name, ClusterSettings options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{ClusterSettings.Section}:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{ClusterSettings.Section}:ServiceId must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Small helpers for validators that name the offending setting.</summary>
public static class SettingRules
{
    /// <summary>Adds a failure unless <paramref name="port"/> is a usable TCP port.</summary>
    public static void Port(List<string> failures, string key, int port)
    {
        if (port is < 1 or > 65535)
        {
            failures.Add($"{key} must be a TCP port between 1 and 65535 (was {port}).");
        }
    }

    /// <summary>Adds a failure unless <paramref name="value"/> parses as an IP address.</summary>
    public static void Address(List<string> failures, string key, string? value)
    {
        if (!System.Net.IPAddress.TryParse(value, out _))
        {
            failures.Add($"{key} must be an IP address (was '{value}').");
        }
    }
}
