namespace MediaCenter.Grains;

/// <summary>Names of the grain storage providers the silo registers.</summary>
public static class StorageNames
{
    /// <summary>The main store: PostgreSQL through Orleans' ADO.NET provider on real silos.</summary>
    public const string Main = "main";
}
