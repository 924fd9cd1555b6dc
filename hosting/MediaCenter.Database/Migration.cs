using System.Security.Cryptography;
using System.Text;

namespace MediaCenter.Database;

/// <summary>One numbered schema migration shipped inside this assembly.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the script, so an edited script that was already applied is detected.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// <summary>All migrations shipped with this build, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } = Load();

    /// <summary>The schema version this build needs: the number of its newest migration.</summary>
    public static int Latest => All[^1].Version;

    private static List<Migration> Load()
    {
        var assembly = typeof(Migration).Assembly;
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith("migrations/", StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource["migrations/".Length..^".sql".Length];
            var separator = file.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(file[..separator], out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' must be named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            list.Add(new Migration(version, file[(separator + 1)..], reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migrations must be numbered 1, 2, 3 … without gaps; found {list[i].Version} at position {i + 1}.");
            }
        }

        return list;
    }
}
