using System.Reflection;

namespace MediaCenter.Testing;

/// <summary>Where the repository and the built processes are, seen from a test assembly.</summary>
public static class Repo
{
    /// <summary>The repository root (the folder with MediaCenter.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built with (Debug or Release).</summary>
    public static string Configuration { get; } =
        typeof(Repo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>The built assembly of a process project, e.g. (silo, MediaCenter.Silo).</summary>
    public static string Assembly(string folder, string project) =>
        Path.Combine(Root, folder, project, "bin", Configuration, "net10.0", project + ".dll");

    /// <summary>A project's folder (the working directory its process runs in).</summary>
    public static string ProjectDir(string folder, string project) => Path.Combine(Root, folder, project);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MediaCenter.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MediaCenter.sln not found above " + AppContext.BaseDirectory);
    }
}
