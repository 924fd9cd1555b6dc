using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediaCenter.Identity;

/// <summary>Registers the identity stores. Needs an <see cref="NpgsqlDataSource"/> in the container.</summary>
public static class IdentityServices
{
    /// <summary>The Data Protection application name: every MediaCenter process shares one key ring.</summary>
    public const string ApplicationName = "MediaCenter";

    /// <summary>Adds stores, Data Protection with keys in PostgreSQL, and the settings.</summary>
    public static IServiceCollection AddMediaCenterIdentity(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMediaCenterDataProtection();
        services.AddSingleton<PersonalDataProtector>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<PartyDirectory>();
        services.AddSingleton<TerminalCredentialStore>();
        return services;
    }

    /// <summary>
    /// Data Protection on the one key ring every MediaCenter process shares: kept in PostgreSQL, sealed by the installation's key
    /// file (<see cref="KeyRingSettings.KeyRingKeyFile"/>) when one is configured. Needs an <see cref="NpgsqlDataSource"/>.
    /// </summary>
    public static IServiceCollection AddMediaCenterDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyRingSettings>().BindConfiguration(IdentitySettings.Section);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o =>
            {
                var keyFile = sp.GetRequiredService<IOptions<KeyRingSettings>>().Value.KeyRingKeyFile;
                o.XmlRepository = new PostgresXmlRepository(sp.GetRequiredService<NpgsqlDataSource>(),
                    string.IsNullOrWhiteSpace(keyFile) ? null : KeyRingSeal.FromFile(keyFile));
            }));
        return services;
    }

    /// <summary>A container with just the identity stores, for tools such as the launcher.</summary>
    /// <param name="connectionString">The database.</param>
    /// <param name="keyRingKeyFile">The key file that seals the key ring (<see cref="KeyRingSettings.KeyRingKeyFile"/>), if any.</param>
    public static ServiceProvider CreateStandalone(string connectionString, string? keyRingKeyFile = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{IdentitySettings.Section}:{nameof(KeyRingSettings.KeyRingKeyFile)}"] = keyRingKeyFile })
            .Build());
        services.AddSingleton(_ => MediaCenter.Database.Data.DataAccess.CreateDataSource(connectionString));
        services.AddMediaCenterIdentity();
        return services.BuildServiceProvider();
    }
}
