namespace MediaCenter.Grains.Terminals;

/// <summary>
/// A terminal's commands (notices, refreshes, reboots): sent, acknowledged, failed or timed out. Works on the
/// list kept in the terminal's state; the grain writes and routes.
/// </summary>
public static class TerminalCommands
{
    /// <summary>How many commands a terminal keeps (the latest).</summary>
    public const int Remembered = 20;

    /// <summary>How long a terminal has to acknowledge a command.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The command id of an operation: derived from the caller's id, so a retried send is recognised by the terminal too.</summary>
    public static string IdOf(string operationId) => "cmd-" + operationId;

    /// <summary>Adds a sent command (forgetting the oldest beyond <see cref="Remembered"/>).</summary>
    /// <exception cref="ArgumentException">A notice without a text of 1–500 characters.</exception>
    public static TerminalCommand Send(List<TerminalCommand> commands, TerminalCommandType type, string? text, string operationId, DateTimeOffset now)
    {
        if (type == TerminalCommandType.Notice && (string.IsNullOrWhiteSpace(text) || text.Length > 500))
        {
            throw new ArgumentException(Msg.Of("terminal.noticeText"));
        }

        var command = new TerminalCommand(IdOf(operationId), type, text?.Trim(), TerminalCommandStatus.Sent, now, null, null);
        commands.Add(command);
        if (commands.Count > Remembered)
        {
            commands.RemoveRange(0, commands.Count - Remembered);
        }

        return command;
    }

    /// <summary>Completes the sent command an acknowledgement names; false when there is none (unknown, or already completed).</summary>
    public static bool Acknowledge(List<TerminalCommand> commands, TerminalMessage ack)
    {
        var index = commands.FindIndex(c => c.Id == ack.CommandId && c.Status == TerminalCommandStatus.Sent);
        if (index < 0)
        {
            return false;
        }

        commands[index] = commands[index] with
        {
            Status = ack.CommandOk ? TerminalCommandStatus.Acknowledged : TerminalCommandStatus.Failed,
            CompletedAt = ack.ReceivedAt,
            Message = ack.EventType,
        };
        return true;
    }

    /// <summary>Times out every sent command past its timeout; true when any did.</summary>
    public static bool Expire(List<TerminalCommand> commands, DateTimeOffset now)
    {
        var changed = false;
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            if (command.Status == TerminalCommandStatus.Sent && now >= command.SentAt + Timeout)
            {
                commands[i] = command with { Status = TerminalCommandStatus.TimedOut, CompletedAt = now };
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>When the next sent command times out, or null when none waits.</summary>
    public static DateTimeOffset? NextTimeout(IEnumerable<TerminalCommand> commands) =>
        commands.Where(c => c.Status == TerminalCommandStatus.Sent).Select(c => (DateTimeOffset?)(c.SentAt + Timeout)).Min();
}
