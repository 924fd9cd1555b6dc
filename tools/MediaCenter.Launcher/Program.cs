using MediaCenter.Launcher;

try
{
    return await LauncherCli.RunAsync(args, Console.Out, Console.Error);
}
catch (LaunchRefusal ex)
{
    Console.Error.WriteLine($"mediacenter: {MediaCenter.Messages.MessageCatalog.Render(ex.Message, MediaCenter.Messages.Languages.English)}");
    return 1;
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FileNotFoundException or TimeoutException or IOException or Npgsql.NpgsqlException
    or MediaCenter.Identity.IdentityProblem)
{
    // Still one line: what failed is in the message; the stack trace would only say where in the launcher.
    // The launcher speaks to the operator at a terminal in English: messages from identity are rendered so.
    Console.Error.WriteLine($"mediacenter: {MediaCenter.Messages.MessageCatalog.Render(ex.Message, MediaCenter.Messages.Languages.English)!.ReplaceLineEndings(" ")}");
    return 1;
}
