using System.Text.RegularExpressions;
using Npgsql;

namespace MediaCenter.Database;

/// <summary>
/// The two database roles of migration 0015: <see cref="Owner"/> owns the schema (the migrator acts as it), <see cref="Application"/>
/// is what the processes use (data only; the logs append-only). Both are group roles without login; deployments create logins
/// that are members of one of them (docs/SECURITY.md, "Database roles").
/// </summary>
public static partial class DatabaseRoles
{
    /// <summary>Owns schema mc and Orleans' objects; the migrator must be (a member of) it.</summary>
    public const string Owner = "mediacenter_owner";

    /// <summary>Reads and writes the data; may only INSERT and SELECT the logs; never changes the schema.</summary>
    public const string Application = "mediacenter_app";

    /// <summary>
    /// Creates a login that acts as the application role, or gives an existing one this password and the membership. Needs a
    /// connection that may create roles (a superuser or CREATEROLE). The group roles are created too when the migrations have not
    /// run yet.
    /// </summary>
    public static async Task EnsureApplicationLoginAsync(string adminConnectionString, string login, string password, CancellationToken cancellationToken = default)
    {
        if (!LoginName().IsMatch(login))
        {
            throw new ArgumentException($"A login name is lower-case letters, digits and _ (was '{login}').", nameof(login));
        }

        // Role statements take no parameters: the name is checked above and the password quoted as a literal here.
        var literal = "'" + password.Replace("'", "''", StringComparison.Ordinal) + "'";
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            DO $$
            BEGIN
                BEGIN
                    CREATE ROLE {Owner} NOLOGIN;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END;
                BEGIN
                    CREATE ROLE {Application} NOLOGIN;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END;
                BEGIN
                    CREATE ROLE {login} LOGIN;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END;
            END;
            $$;
            ALTER ROLE {login} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {literal};
            GRANT {Application} TO {login};
            """, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes a login made by <see cref="EnsureApplicationLoginAsync"/> (it owns nothing and was granted nothing itself).</summary>
    public static async Task DropLoginAsync(string adminConnectionString, string login, CancellationToken cancellationToken = default)
    {
        if (!LoginName().IsMatch(login))
        {
            throw new ArgumentException($"A login name is lower-case letters, digits and _ (was '{login}').", nameof(login));
        }

        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"DROP ROLE IF EXISTS {login}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex LoginName();
}
