namespace MediaCenter.Identity;

/// <summary>What kind of problem an identity operation hit; the web layer maps it to an HTTP status.</summary>
public enum ProblemKind
{
    /// <summary>The input is not acceptable (400).</summary>
    Invalid,

    /// <summary>It clashes with what exists (409).</summary>
    Conflict,

    /// <summary>It does not exist, or the caller may not know it exists (404).</summary>
    NotFound,

    /// <summary>The caller may not do this (403).</summary>
    Forbidden,
}

/// <summary>
/// A refused identity operation, with a reason a person can act on: the message and each detail are catalogue messages
/// (<see cref="Msg"/>), rendered in the reader's language where the refusal is answered.
/// </summary>
public sealed class IdentityProblem(ProblemKind kind, string message, IReadOnlyList<string>? details = null) : Exception(message)
{
    /// <summary>The kind of refusal.</summary>
    public ProblemKind Kind { get; } = kind;

    /// <summary>Further reasons (e.g. each password policy objection), each a message.</summary>
    public IReadOnlyList<string> Details { get; } = details ?? [];
}
