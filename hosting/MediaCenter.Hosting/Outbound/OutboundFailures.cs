using System.Net.Sockets;

namespace MediaCenter.Hosting.Outbound;

/// <summary>Why an outbound request failed, in the words a person may see.</summary>
public enum OutboundFailure
{
    /// <summary>The guard refused the target (scheme, or an address that is not allowed).</summary>
    Refused,

    /// <summary>No answer within the time limit.</summary>
    TimedOut,

    /// <summary>The answer was longer than the size limit.</summary>
    TooLarge,

    /// <summary>No connection could be made (name unknown, connection refused or reset, TLS failed).</summary>
    Unreachable,
}

/// <summary>Turns the exceptions of an outbound request into <see cref="OutboundFailure"/> and a generic message.</summary>
public static class OutboundFailures
{
    /// <summary>What kind of failure the exception stands for.</summary>
    public static OutboundFailure Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case OutboundRefusedException:
                    return OutboundFailure.Refused;
                case OutboundResponseTooLargeException:
                    return OutboundFailure.TooLarge;
                case TimeoutException or OperationCanceledException:
                    return OutboundFailure.TimedOut;
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return OutboundFailure.TimedOut;
            }
        }

        return OutboundFailure.Unreachable;
    }

    /// <summary>
    /// The message a person may see: which kind of failure, never the exception's text (it can name internal addresses, certificates,
    /// or how the connection failed, which tells a prober what lies behind a name).
    /// </summary>
    public static string Describe(OutboundFailure failure) => failure switch
    {
        OutboundFailure.Refused => "refused: the address is not allowed",
        OutboundFailure.TimedOut => "timed out",
        OutboundFailure.TooLarge => "the answer was too large",
        _ => "could not connect",
    };
}
