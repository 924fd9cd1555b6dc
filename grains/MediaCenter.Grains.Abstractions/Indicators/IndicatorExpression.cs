using System.Globalization;

namespace MediaCenter.Grains.Indicators;

/// <summary>One measure of the catalogue: what the platform computes per access party and month.</summary>
/// <param name="Name">The name expressions use (camelCase).</param>
public sealed record MeasureInfo(string Name, string Unit, string Label, string Description);

/// <summary>
/// The catalogue of measures (数据分析 §9.4.1). Each is computed per access party over one calendar month in
/// Asia/Shanghai from <c>mc.event_log</c> (and the channels' owners), counting only events inside the month, so a closed
/// month recomputed gives the same figure. docs/INDICATORS.md defines each precisely.
/// </summary>
public static class IndicatorMeasures
{
    public const string StoriesPublished = "storiesPublished";
    public const string AssignmentsSubmitted = "assignmentsSubmitted";
    public const string AssignmentsOnTime = "assignmentsOnTime";
    public const string AssignmentOnTimeRate = "assignmentOnTimeRate";
    public const string ReviewsDone = "reviewsDone";
    public const string ReviewTurnaroundMedianHours = "reviewTurnaroundMedianHours";
    public const string IncidentsReported = "incidentsReported";
    public const string IncidentMttaMinutes = "incidentMttaMinutes";
    public const string IncidentMttrMinutes = "incidentMttrMinutes";
    public const string TerminalAlerts = "terminalAlerts";
    public const string TerminalAvailability = "terminalAvailability";
    public const string TerminalSessions = "terminalSessions";
    public const string TerminalInteractions = "terminalInteractions";
    public const string InspectionsDone = "inspectionsDone";
    public const string InspectionsOnTime = "inspectionsOnTime";
    public const string HotEventAnswers = "hotEventAnswers";
    public const string ComplaintsClosed = "complaintsClosed";
    public const string ComplaintsClosedOnTime = "complaintsClosedOnTime";
    public const string ComplaintOnTimeRate = "complaintOnTimeRate";

    /// <summary>Every measure, in the order pages list them.</summary>
    public static IReadOnlyList<MeasureInfo> All { get; } =
    [
        new(StoriesPublished, "count", Msg.Of("indicator.measureStoriesPublished"), Msg.Of("indicator.measureStoriesPublishedAbout")),
        new(AssignmentsSubmitted, "count", Msg.Of("indicator.measureAssignmentsSubmitted"), Msg.Of("indicator.measureAssignmentsSubmittedAbout")),
        new(AssignmentsOnTime, "count", Msg.Of("indicator.measureAssignmentsOnTime"), Msg.Of("indicator.measureAssignmentsOnTimeAbout")),
        new(AssignmentOnTimeRate, "%", Msg.Of("indicator.measureAssignmentOnTimeRate"), Msg.Of("indicator.measureAssignmentOnTimeRateAbout")),
        new(ReviewsDone, "count", Msg.Of("indicator.measureReviewsDone"), Msg.Of("indicator.measureReviewsDoneAbout")),
        new(ReviewTurnaroundMedianHours, "h", Msg.Of("indicator.measureReviewTurnaroundMedianHours"), Msg.Of("indicator.measureReviewTurnaroundMedianHoursAbout")),
        new(IncidentsReported, "count", Msg.Of("indicator.measureIncidentsReported"), Msg.Of("indicator.measureIncidentsReportedAbout")),
        new(IncidentMttaMinutes, "min", Msg.Of("indicator.measureIncidentMtta"), Msg.Of("indicator.measureIncidentMttaAbout")),
        new(IncidentMttrMinutes, "min", Msg.Of("indicator.measureIncidentMttr"), Msg.Of("indicator.measureIncidentMttrAbout")),
        new(TerminalAlerts, "count", Msg.Of("indicator.measureTerminalAlerts"), Msg.Of("indicator.measureTerminalAlertsAbout")),
        new(TerminalAvailability, "%", Msg.Of("indicator.measureTerminalAvailability"), Msg.Of("indicator.measureTerminalAvailabilityAbout")),
        new(TerminalSessions, "count", Msg.Of("indicator.measureTerminalSessions"), Msg.Of("indicator.measureTerminalSessionsAbout")),
        new(TerminalInteractions, "count", Msg.Of("indicator.measureTerminalInteractions"), Msg.Of("indicator.measureTerminalInteractionsAbout")),
        new(InspectionsDone, "count", Msg.Of("indicator.measureInspectionsDone"), Msg.Of("indicator.measureInspectionsDoneAbout")),
        new(InspectionsOnTime, "count", Msg.Of("indicator.measureInspectionsOnTime"), Msg.Of("indicator.measureInspectionsOnTimeAbout")),
        new(HotEventAnswers, "count", Msg.Of("indicator.measureHotEventAnswers"), Msg.Of("indicator.measureHotEventAnswersAbout")),
        new(ComplaintsClosed, "count", Msg.Of("indicator.measureComplaintsClosed"), Msg.Of("indicator.measureComplaintsClosedAbout")),
        new(ComplaintsClosedOnTime, "count", Msg.Of("indicator.measureComplaintsClosedOnTime"), Msg.Of("indicator.measureComplaintsClosedOnTimeAbout")),
        new(ComplaintOnTimeRate, "%", Msg.Of("indicator.measureComplaintOnTimeRate"), Msg.Of("indicator.measureComplaintOnTimeRateAbout")),
    ];

    /// <summary>True when the name is a measure of the catalogue.</summary>
    public static bool IsMeasure(string name) => All.Any(m => m.Name == name);
}

/// <summary>
/// A small expression over measures: numbers, measure names, <c>+ - * /</c>, unary minus and parentheses, e.g.
/// <c>100 * assignmentsOnTime / assignmentsSubmitted</c>. Nothing else is accepted (no functions, no SQL). A measure
/// without a figure, or a division by zero, makes the whole value absent rather than a number nobody can read.
/// </summary>
public sealed class IndicatorExpression
{
    private const int MaxLength = 500;
    private const int MaxDepth = 32;

    private readonly Node _root;

    private IndicatorExpression(string text, Node root, IReadOnlyList<string> measures)
    {
        Text = text;
        _root = root;
        Measures = measures;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The measures it reads, each once.</summary>
    public IReadOnlyList<string> Measures { get; }

    /// <summary>Parses an expression; null with a reason when it is not one.</summary>
    public static IndicatorExpression? TryParse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            error = Msg.Of("indicator.expressionRequired", ("max", MaxLength));
            return null;
        }

        try
        {
            var parser = new Parser(text);
            var root = parser.ParseAll();
            return new IndicatorExpression(text.Trim(), root, parser.Used.Distinct().ToList());
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>The value with the given measures; null when a measure has no figure or a division by zero occurs.</summary>
    public double? Evaluate(Func<string, double?> measure) => _root.Evaluate(measure);

    private abstract record Node
    {
        public abstract double? Evaluate(Func<string, double?> measure);
    }

    private sealed record Number(double Value) : Node
    {
        public override double? Evaluate(Func<string, double?> measure) => Value;
    }

    private sealed record Measure(string Name) : Node
    {
        public override double? Evaluate(Func<string, double?> measure) => measure(Name);
    }

    private sealed record Negate(Node Operand) : Node
    {
        public override double? Evaluate(Func<string, double?> measure) => -Operand.Evaluate(measure);
    }

    private sealed record Binary(char Op, Node Left, Node Right) : Node
    {
        public override double? Evaluate(Func<string, double?> measure)
        {
            if (Left.Evaluate(measure) is not { } l || Right.Evaluate(measure) is not { } r)
            {
                return null;
            }

            return Op switch
            {
                '+' => l + r,
                '-' => l - r,
                '*' => l * r,
                _ => r == 0 ? null : l / r,
            };
        }
    }

    /// <summary>Recursive descent: sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*; unary := '-' unary | atom.</summary>
    private sealed class Parser(string text)
    {
        private int _at;
        private int _depth;

        public List<string> Used { get; } = [];

        public Node ParseAll()
        {
            var node = Sum();
            Skip();
            return _at == text.Length ? node : throw Error(Msg.Of("indicator.unexpected", ("text", text[_at].ToString()), ("at", _at + 1)));
        }

        private Node Sum()
        {
            var node = Product();
            while (Peek() is '+' or '-')
            {
                var op = text[_at++];
                node = new Binary(op, node, Product());
            }

            return node;
        }

        private Node Product()
        {
            var node = Unary();
            while (Peek() is '*' or '/')
            {
                var op = text[_at++];
                node = new Binary(op, node, Unary());
            }

            return node;
        }

        private Node Unary()
        {
            if (++_depth > MaxDepth)
            {
                throw Error(Msg.Of("indicator.tooDeep", ("max", MaxDepth)));
            }

            try
            {
                if (Peek() == '-')
                {
                    _at++;
                    return new Negate(Unary());
                }

                return Atom();
            }
            finally
            {
                _depth--;
            }
        }

        private Node Atom()
        {
            var c = Peek();
            if (c == '(')
            {
                _at++;
                var inner = Sum();
                if (Peek() != ')')
                {
                    throw Error(Msg.Of("indicator.closeExpected", ("at", _at + 1)));
                }

                _at++;
                return inner;
            }

            var start = _at;
            if (c is { } d && (char.IsAsciiDigit(d) || d == '.'))
            {
                while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] == '.'))
                {
                    _at++;
                }

                return double.TryParse(text.AsSpan(start, _at - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                    ? new Number(value)
                    : throw Error(Msg.Of("indicator.notANumber", ("at", start + 1)));
            }

            if (c is { } l && char.IsAsciiLetter(l))
            {
                while (_at < text.Length && char.IsAsciiLetterOrDigit(text[_at]))
                {
                    _at++;
                }

                var name = text[start.._at];
                if (!IndicatorMeasures.IsMeasure(name))
                {
                    throw Error(Msg.Of("indicator.unknownMeasure", ("name", name)));
                }

                Used.Add(name);
                return new Measure(name);
            }

            throw Error(c is null ? Msg.Of("indicator.endsTooSoon") : Msg.Of("indicator.unexpected", ("text", c.ToString()), ("at", _at + 1)));
        }

        private char? Peek()
        {
            Skip();
            return _at < text.Length ? text[_at] : null;
        }

        private void Skip()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private static FormatException Error(string message) => new(message);
    }
}
