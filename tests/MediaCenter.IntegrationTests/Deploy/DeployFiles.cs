using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace MediaCenter.IntegrationTests.Deploy;

/// <summary>Reads the files under deploy/: YAML (with merge keys), Dockerfiles, PromQL of the alerts and the dashboard.</summary>
public static partial class DeployFiles
{
    /// <summary>The deploy/ folder of the repository.</summary>
    public static string Root { get; } = Path.Combine(Repo.Root, "deploy");

    /// <summary>A path under deploy/.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Every document of a YAML file.</summary>
    public static IReadOnlyList<YamlNode> LoadYaml(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode)];
    }

    /// <summary>The one document of a YAML file, as a mapping.</summary>
    public static YamlMappingNode LoadMapping(string path) => (YamlMappingNode)LoadYaml(path).Single();

    /// <summary>A child of a mapping, or null.</summary>
    public static YamlNode? Get(this YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>A scalar child's text, or null.</summary>
    public static string? Str(this YamlNode? node, string key) => (node.Get(key) as YamlScalarNode)?.Value;

    /// <summary>The items of a sequence child (empty when absent).</summary>
    public static IEnumerable<YamlNode> Items(this YamlNode? node, string key) => node.Get(key) is YamlSequenceNode seq ? seq.Children : [];

    /// <summary>A mapping's entries with YAML merge keys (&lt;&lt;: *anchor) resolved, later keys winning.</summary>
    public static Dictionary<string, string> FlatMapping(YamlNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is not YamlMappingNode map)
        {
            return result;
        }

        foreach (var (key, value) in map.Children)
        {
            if (((YamlScalarNode)key).Value == "<<")
            {
                foreach (var (k, v) in FlatMapping(value))
                {
                    result.TryAdd(k, v);
                }
            }
        }

        foreach (var (key, value) in map.Children)
        {
            if (((YamlScalarNode)key).Value is { } name && name != "<<")
            {
                result[name] = (value as YamlScalarNode)?.Value ?? "";
            }
        }

        return result;
    }

    /// <summary>What a Dockerfile says, as far as the tests look.</summary>
    public sealed record Dockerfile(string Path, IReadOnlyList<string> Froms, IReadOnlyDictionary<string, string> Env,
        IReadOnlyList<int> Exposed, string? User, string? HealthCheck, string? Entrypoint, IReadOnlyList<string> Runs);

    /// <summary>Parses a Dockerfile (continuation lines joined, comments dropped).</summary>
    public static Dockerfile ReadDockerfile(string path)
    {
        var lines = new List<string>();
        var current = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            lines.Add(current + line);
            current = "";
        }

        var froms = new List<string>();
        var env = new Dictionary<string, string>();
        var exposed = new List<int>();
        var runs = new List<string>();
        string? user = null, health = null, entrypoint = null;
        foreach (var line in lines)
        {
            var space = line.IndexOf(' ');
            var (instruction, rest) = (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim());
            switch (instruction)
            {
                case "FROM": froms.Add(rest); break;
                case "ENV":
                    foreach (Match m in EnvPair().Matches(rest))
                    {
                        env[m.Groups[1].Value] = m.Groups[2].Value;
                    }

                    break;
                case "EXPOSE": exposed.AddRange(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)); break;
                case "USER": user = rest; break;
                case "HEALTHCHECK": health = rest; break;
                case "ENTRYPOINT": entrypoint = rest; break;
                case "RUN": runs.Add(rest); break;
            }
        }

        return new Dockerfile(path, froms, env, exposed, user, health, entrypoint, runs);
    }

    /// <summary>The HTTP port of an image: the one in its ENV Urls (http://+:PORT).</summary>
    public static int HttpPort(Dockerfile image) => int.Parse(image.Env["Urls"].Split(':')[^1]);

    /// <summary>Every PromQL expression of the alert rules.</summary>
    public static IEnumerable<(string Name, string Expr)> AlertExpressions() =>
        LoadMapping(PathOf("prometheus", "alerts.yml")).Items("groups")
            .SelectMany(g => g.Items("rules"))
            .Select(r => (r.Str("alert") ?? r.Str("record") ?? "?", r.Str("expr")!));

    /// <summary>Every PromQL expression of the Grafana dashboards.</summary>
    public static IEnumerable<(string Name, string Expr)> DashboardExpressions()
    {
        foreach (var file in Directory.GetFiles(PathOf("grafana", "dashboards"), "*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var panel in doc.RootElement.GetProperty("panels").EnumerateArray())
            {
                if (!panel.TryGetProperty("targets", out var targets))
                {
                    continue;
                }

                foreach (var target in targets.EnumerateArray())
                {
                    yield return (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!);
                }
            }
        }
    }

    /// <summary>A selector in an expression: the metric, and its label matchers (name, operator, value).</summary>
    public sealed record Selector(string Metric, IReadOnlyList<(string Label, string Op, string Value)> Matchers);

    /// <summary>The metric names an expression reads (functions, keywords, labels, durations left out).</summary>
    public static IReadOnlyList<Selector> MetricsIn(string expr)
    {
        var selectors = new List<Selector>();
        foreach (Match m in SelectorWithLabels().Matches(expr))
        {
            var matchers = LabelMatcher().Matches(m.Groups[2].Value).Select(l => (l.Groups[1].Value, l.Groups[2].Value, l.Groups[3].Value)).ToList();
            selectors.Add(new Selector(m.Groups[1].Value, matchers));
        }

        // What is left once strings, label sets, ranges and grouping lists are gone: functions (before "("),
        // keywords, and bare metric names.
        var stripped = StringLiteral().Replace(expr, " ");
        stripped = Braces().Replace(stripped, " ");
        stripped = Brackets().Replace(stripped, " ");
        stripped = Grouping().Replace(stripped, " ");
        foreach (Match m in Identifier().Matches(stripped))
        {
            var name = m.Value;
            var after = stripped[(m.Index + m.Length)..].TrimStart();
            if (after.StartsWith('(') || Keywords.Contains(name))
            {
                continue;
            }

            if (!selectors.Any(s => s.Metric == name))
            {
                selectors.Add(new Selector(name, []));
            }
        }

        return selectors;
    }

    private static readonly HashSet<string> Keywords = ["and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "inf", "nan"];

    /// <summary>The sample names and label sets of a Prometheus text scrape.</summary>
    public static ILookup<string, string> Samples(string scrape) =>
        scrape.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => SampleLine().Match(l))
            .Where(m => m.Success)
            .ToLookup(m => m.Groups[1].Value, m => m.Groups[2].Value);

    /// <summary>promtool, which ./mediacenter test installs (Debian's prometheus package).</summary>
    public static string Promtool() => Tool("promtool", "prometheus");

    /// <summary>Alertmanager's checker.</summary>
    public static string Amtool() => Tool("amtool", "prometheus-alertmanager");

    private static string Tool(string name, string package)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new Xunit.Sdk.XunitException($"{name} was not found on PATH: ./mediacenter test installs it (Debian package {package}).");
    }

    [GeneratedRegex("""([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)""")]
    private static partial Regex EnvPair();

    [GeneratedRegex("""([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}""")]
    private static partial Regex SelectorWithLabels();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*""([^""]*)""")]
    private static partial Regex LabelMatcher();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s")]
    private static partial Regex SampleLine();
}
