// Like the launcher it drives, this runs processes the Unix way.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
