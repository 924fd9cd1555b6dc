using MediaCenter.Hosting;
using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>
/// Every process talks to PostgreSQL with prepared statements, without a reset per pooled connection and with pools capped at 40,
/// unless told otherwise.
/// </summary>
public sealed class ConnectionDefaultsTests
{
    [Fact]
    public void A_plain_connection_string_gets_automatic_preparation_and_no_reset_on_close()
    {
        var tuned = new NpgsqlConnectionStringBuilder(DatabaseSettings.WithDefaults("Host=db;Database=mediacenter;Username=mc"));

        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.Equal(2, tuned.AutoPrepareMinUsages);
        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(40, tuned.MaxPoolSize);
        Assert.Equal("db", tuned.Host);
    }

    [Fact]
    public void What_the_operator_wrote_is_kept()
    {
        var tuned = new NpgsqlConnectionStringBuilder(DatabaseSettings.WithDefaults("Host=db;Max Auto Prepare=0;No Reset On Close=false;Maximum Pool Size=20"));

        Assert.Equal(0, tuned.MaxAutoPrepare);
        Assert.False(tuned.NoResetOnClose);
        Assert.Equal(20, tuned.MaxPoolSize);
        Assert.Equal(150, new NpgsqlConnectionStringBuilder(DatabaseSettings.WithDefaults("Host=db;MaxPoolSize=150")).MaxPoolSize);
    }

    [Fact]
    public void An_invalid_connection_string_is_left_for_the_validator_to_name()
    {
        Assert.Equal("Host=db;Bogus Key=1", DatabaseSettings.WithDefaults("Host=db;Bogus Key=1"));
        Assert.Equal("", DatabaseSettings.WithDefaults(""));
    }
}
