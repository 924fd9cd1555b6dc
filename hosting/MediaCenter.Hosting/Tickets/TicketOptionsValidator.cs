using MediaCenter.Grains.Tickets;
using Microsoft.Extensions.Options;

namespace MediaCenter.Hosting.Tickets;

/// <summary>Refuses ticket settings out of range at start-up, naming each offending key (the silo and the web both read them).</summary>
public sealed class TicketOptionsValidator : IValidateOptions<TicketOptions>
{
    public ValidateOptionsResult Validate(string? name, TicketOptions options) =>
        options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
