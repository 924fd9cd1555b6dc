using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Database.Data;

/// <summary>
/// The data-access layer: Dapper over <see cref="NpgsqlDataSource"/>. Parameters are anonymous objects or records, rows
/// are read into types whose properties are named like the columns (snake_case columns match PascalCase properties).
/// This is the one place that tells Dapper how PostgreSQL values map to .NET ones.
/// </summary>
/// <remarks>
/// Dapper's type handlers are process-wide; they are registered once, the first time a data source is created here or
/// <see cref="Configure"/> is called, and never changed afterwards.
/// </remarks>
public static class DataAccess
{
    private static readonly bool Configured = Register();

    /// <summary>A data source for <paramref name="connectionString"/>, with Dapper set up.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        Configure();
        return NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>Sets Dapper up for PostgreSQL (idempotent); for code that opens connections without a data source from here.</summary>
    public static void Configure() => _ = Configured;

    private static bool Register()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        // timestamptz comes back as a UTC DateTime from the untyped reader Dapper uses; the domain speaks DateTimeOffset.
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        // date comes back as DateTime from the untyped reader.
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        // PostgreSQL arrays are single parameters (= ANY(@ids), text[] columns), not lists Dapper expands into (@a, @b).
        SqlMapper.AddTypeHandler(new ArrayHandler<string>());
        SqlMapper.AddTypeHandler(new ArrayHandler<Guid>());
        SqlMapper.AddTypeHandler(new ArrayHandler<int>());
        SqlMapper.AddTypeHandler(new ArrayHandler<long>());
        // Records expose text[] columns as read-only lists.
        SqlMapper.AddTypeHandler(new ListHandler<string>());
        return true;
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlDbType.TimestampTz;
            parameter.Value = value;
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset offset => offset,
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            _ => throw new InvalidCastException($"{value.GetType()} is not a timestamptz"),
        };
    }

    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlDbType.Date;
            parameter.Value = value;
        }

        public override DateOnly Parse(object value) => value switch
        {
            DateOnly date => date,
            DateTime time => DateOnly.FromDateTime(time),
            _ => throw new InvalidCastException($"{value.GetType()} is not a date"),
        };
    }

    private sealed class ListHandler<T> : SqlMapper.TypeHandler<IReadOnlyList<T>>
    {
        public override void SetValue(IDbDataParameter parameter, IReadOnlyList<T>? value) => parameter.Value = value?.ToArray() ?? (object)DBNull.Value;

        public override IReadOnlyList<T> Parse(object value) => (T[])value;
    }

    private sealed class ArrayHandler<T> : SqlMapper.TypeHandler<T[]>
    {
        public override void SetValue(IDbDataParameter parameter, T[]? value) => parameter.Value = (object?)value ?? DBNull.Value;

        public override T[] Parse(object value) => (T[])value;
    }
}
