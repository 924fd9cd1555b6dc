using MediaCenter.Launcher;

try
{
    return await LauncherCli.RunAsync(args, Console.Out, Console.Error);
}
catch (LaunchRefusal ex)
{
    Console.Error.WriteLine($"mediacenter: {ex.Message}");
    return 1;
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FileNotFoundException or TimeoutException or IOException or Npgsql.NpgsqlException
    or MediaCenter.Identity.IdentityProblem)
{
    // Still one line: what failed is in the message; the stack trace would only say where in the launcher.
    Console.Error.WriteLine($"mediacenter: {ex.Message.ReplaceLineEndings(" ")}");
    return 1;
}
