using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Database.Data;

/// <summary>
/// Parameter values PostgreSQL cannot infer from a CLR type: put them in a Dapper parameter object
/// (<c>new { card = SqlValue.Jsonb(card) }</c>).
/// </summary>
public static class SqlValue
{
    /// <summary>A jsonb value: <paramref name="value"/> as <see cref="PersistedJson"/> (its runtime type); null is SQL NULL.</summary>
    public static SqlMapper.ICustomQueryParameter Jsonb(object? value) =>
        new Typed(value is null ? null : PersistedJson.Serialize(value), NpgsqlDbType.Jsonb);

    /// <summary>A value sent as <paramref name="type"/> (an xid8 position, a nullable uuid …); null is SQL NULL.</summary>
    public static SqlMapper.ICustomQueryParameter As(object? value, NpgsqlDbType type) => new Typed(value, type);

    private sealed class Typed(object? value, NpgsqlDbType type) : SqlMapper.ICustomQueryParameter
    {
        public void AddParameter(IDbCommand command, string name)
        {
            command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        }
    }
}
