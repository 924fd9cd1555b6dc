using MediaCenter.Messages;

namespace MediaCenter.Grains.Tests;

/// <summary>What a person reading in English (or Chinese) sees of a grain's message.</summary>
internal static class Text
{
    /// <summary>The message rendered in English.</summary>
    /// <param name="message">A grain's message (or people's text).</param>
    public static string En(string? message) => MessageCatalog.Render(message, Languages.English) ?? "";

    /// <summary>The message rendered in Chinese.</summary>
    /// <param name="message">A grain's message (or people's text).</param>
    public static string Zh(string? message) => MessageCatalog.Render(message, Languages.Chinese) ?? "";
}
