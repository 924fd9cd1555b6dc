namespace MediaCenter.Grains.Operations;

/// <summary>The rules of a plan's content: what a draft may hold, and what a submission needs.</summary>
public static class PlanRules
{
    /// <summary>Longest text of one field.</summary>
    public const int MaxText = 2000;

    /// <summary>Most items of one section.</summary>
    public const int MaxItems = 100;

    /// <summary>The longest drill cadence, in days.</summary>
    public const int MaxDrillEveryDays = 3650;

    /// <summary>Content with every section empty.</summary>
    public static PlanContent Empty { get; } = new(new List<PlanDuty>(), new List<PlanResource>(), new List<PlanRisk>(), new List<PlanMeasure>(),
        new List<PlanStep>(), new List<PlanFallback>());

    /// <summary>
    /// Checks the structure of plan content (what a draft may hold) and normalises it: texts trimmed, risk scores
    /// and levels computed, response steps numbered in the order given. Sections may still be empty. Returns the
    /// problems instead when there are any.
    /// </summary>
    public static (PlanContent? Content, IReadOnlyList<string> Errors) Normalize(PlanContent? content)
    {
        content ??= Empty;
        var errors = new List<string>();
        List<T> Section<T>(IReadOnlyList<T>? items, string name, Func<T, string?> key, Func<T, T> clean)
        {
            items ??= [];
            if (items.Count > MaxItems)
            {
                errors.Add(Msg.Of("ops.plan.tooManyItems", ("section", name), ("max", MaxItems)));
            }

            var result = new List<T>();
            for (var i = 0; i < items.Count && i < MaxItems; i++)
            {
                if (items[i] is null || string.IsNullOrWhiteSpace(key(items[i])))
                {
                    errors.Add(Msg.Of("ops.plan.itemMissingField", ("section", $"{name}[{i}]")));
                    continue;
                }

                result.Add(clean(items[i]));
            }

            return result;
        }

        string? Clean(string? s)
        {
            if (s is { Length: > MaxText })
            {
                errors.Add(Msg.Of("ops.plan.textTooLong", ("max", MaxText)));
            }

            return string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        }

        var organisation = Section(content.Organisation, "organisation", d => d.Role, d => new PlanDuty(Clean(d.Role), Clean(d.Person), Clean(d.Duties), Clean(d.Contact)));
        var resources = Section(content.Resources, "resources", r => r.Name, r => new PlanResource(Clean(r.Name), Clean(r.Kind), Clean(r.Quantity), Clean(r.Location), Clean(r.Custodian)));
        var risks = Section(content.Risks, "risks", r => r.Name, r =>
        {
            if (r.Likelihood is < 1 or > 5 || r.Impact is < 1 or > 5)
            {
                errors.Add(Msg.Of("ops.plan.riskRating", ("risk", r.Name)));
            }

            int? score = r.Likelihood is { } l && r.Impact is { } i ? l * i : null;
            return new PlanRisk(Clean(r.Name), Clean(r.Description), r.Likelihood, r.Impact, Clean(r.Mitigation), score, score is { } s ? Level(s) : null);
        });
        var prevention = Section(content.Prevention, "prevention", m => m.Measure, m => new PlanMeasure(Clean(m.Measure), Clean(m.Owner), Clean(m.Frequency)));
        var steps = Section(content.ResponseSteps, "responseSteps", s => s.Action, s =>
        {
            if (s.TimeLimitMinutes is < 0 or > 10_080)
            {
                errors.Add(Msg.Of("ops.plan.stepTimeLimit", ("step", s.Action)));
            }

            return s with { Action = Clean(s.Action), Owner = Clean(s.Owner) };
        });
        var fallback = Section(content.Fallback, "fallback", f => f.Arrangement, f => new PlanFallback(Clean(f.Arrangement), Clean(f.Trigger), Clean(f.Owner)));
        if (content.DrillEveryDays is < 1 or > MaxDrillEveryDays)
        {
            errors.Add(Msg.Of("ops.plan.drillCadence", ("max", MaxDrillEveryDays)));
        }

        if (errors.Count > 0)
        {
            return (null, errors.Distinct().ToList());
        }

        return (new PlanContent(organisation, resources, risks, prevention, steps.Select((s, i) => s with { Order = i + 1 }).ToList(), fallback,
            content.DrillEveryDays), []);
    }

    /// <summary>What a plan still needs before it may be submitted (empty when complete).</summary>
    public static List<string> Missing(PlanContent content)
    {
        var missing = new List<string>();
        void Need<T>(IReadOnlyList<T>? items, string name)
        {
            if (items is not { Count: > 0 })
            {
                missing.Add(Msg.Of("ops.plan.sectionEmpty", ("section", name)));
            }
        }

        Need(content.Organisation, "organisation");
        Need(content.Resources, "resources");
        Need(content.Risks, "risks");
        Need(content.Prevention, "prevention");
        Need(content.ResponseSteps, "responseSteps");
        Need(content.Fallback, "fallback");
        foreach (var risk in content.Risks ?? [])
        {
            if (risk.Likelihood is null || risk.Impact is null)
            {
                missing.Add(Msg.Of("ops.plan.riskUnrated", ("risk", risk.Name)));
            }
        }

        foreach (var duty in content.Organisation ?? [])
        {
            if (duty.Duties is null)
            {
                missing.Add(Msg.Of("ops.plan.dutiesRequired", ("role", duty.Role)));
            }
        }

        return missing;
    }

    /// <summary>Risk level of a score (likelihood × impact, 1–25).</summary>
    public static string Level(int score) => score switch
    {
        >= 15 => "High",
        >= 8 => "Medium",
        _ => "Low",
    };
}
