using System.Globalization;
using System.Text;

namespace MediaCenter.Messages;

/// <summary>
/// A piece of text for people that the system writes (a refusal, a title, a timeline line, a notification): a key of
/// the catalogue and its arguments, never a sentence in one language. It travels as a compact string (so it fits every
/// field, stored state and event that holds text) and is rendered in the reader's language only where it is shown,
/// by <see cref="MessageCatalog.Render(string?, string)"/>. Arguments are people's own data (names, titles, numbers) or
/// other messages.
/// </summary>
public readonly struct Msg : IEquatable<Msg>
{
    /// <summary>Opens an encoded message.</summary>
    internal const char Open = '\uE000';

    /// <summary>Closes an encoded message.</summary>
    internal const char Close = '\uE001';

    /// <summary>Starts an argument's name.</summary>
    internal const char Name = '\uE002';

    /// <summary>Starts an argument's value.</summary>
    internal const char Value = '\uE003';

    private readonly string _encoded;

    private Msg(string encoded) => _encoded = encoded;

    /// <summary>A message of the catalogue with its arguments (values are formatted invariantly; a <see cref="Msg"/> stays a message).</summary>
    /// <param name="key">The catalogue key, e.g. <c>incident.textTooLong</c>.</param>
    /// <param name="args">The named arguments its templates use.</param>
    public static Msg Of(string key, params (string Name, object? Value)[] args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var text = new StringBuilder().Append(Open).Append(Clean(key));
        foreach (var (name, value) in args)
        {
            text.Append(Name).Append(Clean(name)).Append(Value).Append(Format(value));
        }

        return new Msg(text.Append(Close).ToString());
    }

    /// <summary>A list of items, joined the way the reader's language joins lists (<c>、</c> or <c>, </c>).</summary>
    /// <param name="items">The items (text, numbers or messages).</param>
    public static Msg List(IEnumerable<object?> items) =>
        Of(ListKey, items.Select((item, index) => (index.ToString(CultureInfo.InvariantCulture), item)).ToArray());

    /// <summary>The key of <see cref="List(IEnumerable{object?})"/>.</summary>
    internal const string ListKey = "@list";

    /// <summary>The encoded form, as stored and sent; <see cref="MessageCatalog"/> renders it.</summary>
    public override string ToString() => _encoded ?? "";

    /// <summary>A message goes wherever text goes.</summary>
    /// <param name="message">The message.</param>
    public static implicit operator string(Msg message) => message.ToString();

    /// <inheritdoc />
    public bool Equals(Msg other) => string.Equals(_encoded, other._encoded, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Msg other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>Equal messages.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    public static bool operator ==(Msg left, Msg right) => left.Equals(right);

    /// <summary>Different messages.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    public static bool operator !=(Msg left, Msg right) => !left.Equals(right);

    /// <summary>True when the text holds an encoded message anywhere.</summary>
    /// <param name="text">Any text.</param>
    public static bool IsIn(string? text) => text is not null && text.Contains(Open, StringComparison.Ordinal);

    /// <summary>The key of a text that is exactly one message, else null (tests and logs use it).</summary>
    /// <param name="text">Any text.</param>
    public static string? KeyOf(string? text)
    {
        if (text is null || text.Length < 2 || text[0] != Open || text[^1] != Close)
        {
            return null;
        }

        var end = text.IndexOf(Name, StringComparison.Ordinal);
        return text[1..(end < 0 ? text.Length - 1 : end)];
    }

    /// <summary>Text without any message marker (what people type is never taken for a message).</summary>
    /// <param name="text">People's text.</param>
    public static string? WithoutMarkers(string? text) =>
        text is null || text.AsSpan().IndexOfAnyInRange(Open, Value) < 0 ? text : new string(text.Where(c => c is < Open or > Value).ToArray());

    private static string Format(object? value) => value switch
    {
        null => "",
        Msg message => message.ToString(),
        string text => Clean(text),
        IFormattable formattable => Clean(formattable.ToString(null, CultureInfo.InvariantCulture)),
        _ => Clean(value.ToString() ?? ""),
    };

    /// <summary>People's own text never carries the markers (an encoded message inside it stays a message).</summary>
    private static string Clean(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange(Open, Value) < 0)
        {
            return text;
        }

        // A whole message passed as a string (e.g. a title that is itself a message) is kept; stray markers are dropped.
        return MessageCatalog.IsWellFormed(text) ? text : WithoutMarkers(text)!;
    }
}
