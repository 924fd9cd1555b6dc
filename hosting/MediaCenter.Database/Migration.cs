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
        // Numbers are reserved per line of work, so a branch may lack some of them until all are merged: gaps are allowed (the
        // migrator and the schema check notice one that is missing below an applied one), a number used twice is not.
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Version == list[i - 1].Version)
            {
                throw new InvalidOperationException($"Migration number {list[i].Version} is used twice ({list[i - 1].Name}, {list[i].Name}).");
            }
        }

        return list;
    }
}
