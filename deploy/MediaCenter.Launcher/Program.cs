using MediaCenter.Launcher;

try
{
    var settings = LauncherSettings.From(args);
    return args switch
    {
        ["up", ..] => await Commands.UpAsync(settings),
        ["cluster", "up", ..] => await Commands.UpAsync(settings),
        ["db", "migrate", ..] => await Commands.MigrateAsync(settings, bootstrapAdmin: args.Contains("--bootstrap-admin")),
        ["db", "status", ..] => await Commands.StatusAsync(settings),
        ["db", "standby", ..] => await StandbyCommands.StandbyAsync(settings, args),
        ["db", "promote", ..] => await StandbyCommands.PromoteAsync(settings, args),
        ["simulate", ..] => await Commands.SimulateAsync(settings, args),
        ["backup", ..] => await Commands.BackupAsync(settings, args),
        ["restore", ..] => await Commands.RestoreAsync(settings, args),
        _ => Usage(),
    };
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FileNotFoundException or Npgsql.NpgsqlException)
{
    Console.Error.WriteLine($"mediacenter: {ex.Message}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: mediacenter up [--demo] | cluster up --silos N --web M | db migrate [--bootstrap-admin] | db status | db standby --standby-dir DIR | db promote --standby-dir DIR | backup --to DIR [--keep N] | restore --from FILE --into DB | simulate …");
    return 2;
}
