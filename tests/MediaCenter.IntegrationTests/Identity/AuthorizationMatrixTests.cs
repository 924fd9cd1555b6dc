using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>
/// Every API endpoint the running web process publishes (its OpenAPI document) × every role, and a user of
/// another access party: allowed or denied as this table says. An endpoint added without a row here fails.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AuthorizationMatrixTests(IntegrationFixture fixture)
{
    private const string Anonymous = "anonymous";
    private static readonly string[] Roles = [Anonymous, "admin", "operator", "management", "auditor", "party-admin", "party-member", "other-party-admin"];

    private static readonly string[] Everyone = Roles;
    private static readonly string[] SignedIn = Roles[1..];
    private static readonly string[] PartyRead = ["admin", "operator", "management", "party-admin", "party-member"];
    private static readonly string[] PartyManage = ["admin", "operator", "party-admin"];
    private static readonly string[] Operations = ["admin", "operator"];
    private static readonly string[] AuditRead = ["admin", "auditor"];
    private static readonly string[] PersonalData = ["admin", "party-admin"];
    private static readonly string[] Trainers = ["admin", "operator", "party-admin", "other-party-admin"];
    private static readonly string[] Appraisers = ["admin", "party-admin", "other-party-admin"];

    // Newsroom moves need a channel role (chief, editor, reviewer of a level), which none of these callers hold;
    // stories are addressed by id and an unknown one is 404 for everyone. NewsroomFlowTests prove the channel roles.
    private static readonly string[] NewsroomOnly = [];

    // Who may call what, on resources of access party "mx-a". other-party-admin manages party "mx-b": lists
    // answer it with its own party's rows (IsolationTests checks the contents), and creating without naming
    // a party creates in its own. An empty POST /api/users asks for a platform account: administrators only.
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["GET /api"] = Everyone,
        ["POST /api/auth/sign-in"] = Everyone,
        ["POST /api/auth/tokens"] = Everyone,
        ["POST /api/auth/sign-out"] = SignedIn,
        ["GET /api/auth/me"] = SignedIn,
        ["POST /api/auth/password"] = SignedIn,
        ["GET /api/system/status"] = SignedIn,
        ["GET /api/users"] = [.. PartyRead, "other-party-admin"],
        ["POST /api/users"] = ["admin"],
        ["GET /api/users/{id}"] = PartyRead,
        ["POST /api/users/{id}/password-reset"] = PartyManage,
        ["PUT /api/users/{id}/disabled"] = PartyManage,
        ["GET /api/users/{id}/personal-data"] = PersonalData,
        ["DELETE /api/users/{id}/personal-data"] = PersonalData,
        ["GET /api/parties"] = [.. PartyRead, "other-party-admin"],
        ["POST /api/parties"] = Operations,
        ["GET /api/channels"] = [.. PartyRead, "other-party-admin"],
        ["POST /api/channels"] = [.. PartyManage, "other-party-admin"],
        ["GET /api/channels/{code}"] = PartyRead,
        ["GET /api/channels/{code}/members"] = PartyRead,
        ["PUT /api/channels/{code}/members/{userId}/{role}"] = PartyManage,
        ["DELETE /api/channels/{code}/members/{userId}/{role}"] = PartyManage,
        ["GET /api/terminal-credentials"] = [.. PartyRead, "other-party-admin"],
        ["POST /api/terminal-credentials/{terminalId}"] = PartyManage,
        ["DELETE /api/terminal-credentials/{terminalId}"] = PartyManage,
        ["GET /api/audit/operations"] = AuditRead,
        ["GET /api/audit/operations.csv"] = AuditRead,
        ["GET /api/audit/logins"] = AuditRead,
        ["GET /api/audit/alerts"] = AuditRead,
        ["GET /api/terminals"] = [.. PartyRead, "other-party-admin"],
        ["POST /api/terminals"] = [.. PartyManage, "other-party-admin"],
        ["GET /api/terminals/{id}"] = PartyRead,
        ["GET /api/terminals/{id}/telemetry"] = PartyRead,
        ["PUT /api/terminals/{id}/maintenance"] = PartyManage,
        ["POST /api/terminals/{id}/inspections"] = PartyManage,
        ["POST /api/terminals/{id}/commands"] = PartyManage,
        ["GET /api/terminals/inspections/overdue"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/patrol/reports"] = ["admin", "operator", "management"],
        ["POST /api/patrol/run"] = Operations,
        ["GET /api/terminals/alerts"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/terminals/activity"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/terminals/activity.csv"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/newsroom/workflow"] = SignedIn,
        ["GET /api/v1/channels/{code}/board"] = PartyRead,
        ["PUT /api/v1/channels/{code}/policy"] = PartyManage,
        ["PUT /api/v1/channels/{code}/suspension"] = Operations,
        ["POST /api/v1/channels/{code}/pitches"] = NewsroomOnly,
        ["POST /api/v1/channels/{code}/reprints"] = NewsroomOnly,
        ["GET /api/v1/channels/{code}/reprints/{key}"] = NewsroomOnly,
        ["GET /api/v1/channels/{code}/collection"] = PartyRead,
        ["POST /api/v1/channels/{code}/sources"] = PartyManage,
        ["PUT /api/v1/channels/{code}/sources/{id}"] = PartyManage,
        ["POST /api/v1/channels/{code}/sources/{id}/on"] = PartyManage,
        ["POST /api/v1/channels/{code}/sources/{id}/off"] = PartyManage,
        ["POST /api/v1/channels/{code}/sources/{id}/poll"] = NewsroomOnly,
        ["POST /api/v1/channels/{code}/collection/{id}/take"] = NewsroomOnly,
        ["POST /api/v1/channels/{code}/collection/{id}/dismiss"] = NewsroomOnly,
        ["POST /api/v1/channels/{code}/media"] = PartyManage,
        ["GET /api/v1/media/{id}"] = NewsroomOnly,
        ["GET /api/v1/articles/{id}"] = NewsroomOnly,
        ["GET /api/v1/articles/{id}/versions"] = NewsroomOnly,
        ["GET /api/v1/articles/{id}/versions/{version}"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/edit-pitch"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/return-pitch"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/refile"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/delete"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/confirm"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/assign"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/report-progress"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/save-draft"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/submit"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/approve"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/reject"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/publish"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/schedule"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/cancel-schedule"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/withdraw"] = NewsroomOnly,
        ["GET /api/v1/me/tasks"] = SignedIn,
        ["GET /feeds/{code}/{target}.json"] = Everyone,
        ["GET /feeds/{code}/{target}.rss"] = Everyone,
        // Interactive stories (docs/INTERACTION.md): a device token for anyone; {id} is no published interactive story here, so the
        // public reads and answers are 404 for everyone (InteractionFlowTests answers a real one), and moderation needs a channel role.
        ["POST /api/public/interactions/device"] = Everyone,
        ["GET /api/public/interactions/{id}"] = [],
        ["POST /api/public/interactions/{id}/votes"] = [],
        ["POST /api/public/interactions/{id}/questions"] = [],
        ["GET /api/public/interactions/{id}/questions"] = [],
        ["GET /api/public/interactions/{id}/events"] = [],
        ["GET /api/v1/articles/{id}/interaction"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/interaction/questions/{questionId}/approve"] = NewsroomOnly,
        ["POST /api/v1/articles/{id}/interaction/questions/{questionId}/reject"] = NewsroomOnly,
        // Plans, drills, campaigns, hot events (docs/OPERATIONS-PLANS.md). Creating is for users of an access party (other-party-admin
        // creates in its own party), and plans also for the operator (naming the party); things addressed by id do not exist here and
        // are 404 for everyone: OperationsPlansTests, OperationsCorrectionsTests and HotEventFlowTests prove who may act on real ones
        // (the operator and party users write plans, management approves them, operators acknowledge and support).
        ["GET /api/v1/plans"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/plans/workflow"] = SignedIn,
        ["POST /api/v1/plans"] = ["admin", "operator", "party-admin", "party-member", "other-party-admin"],
        ["GET /api/v1/plans/{id}"] = [],
        ["GET /api/v1/plans/{id}/versions/{version}"] = [],
        ["GET /api/v1/plans/{id}/effective"] = [],
        ["PUT /api/v1/plans/{id}/draft"] = [],
        ["POST /api/v1/plans/{id}/submit"] = [],
        ["POST /api/v1/plans/{id}/approve"] = [],
        ["POST /api/v1/plans/{id}/return"] = [],
        ["GET /api/v1/drills"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/drills/workflow"] = SignedIn,
        ["POST /api/v1/drills"] = ["party-admin", "party-member", "other-party-admin"],
        ["GET /api/v1/drills/{id}"] = [],
        ["POST /api/v1/drills/{id}/record"] = [],
        ["POST /api/v1/drills/{id}/cancel"] = [],
        ["GET /api/v1/campaigns"] = [.. PartyRead, "other-party-admin"],
        ["POST /api/v1/campaigns"] = ["party-admin", "party-member", "other-party-admin"],
        ["GET /api/v1/campaigns/workflow"] = SignedIn,
        ["GET /api/v1/campaigns/{id}"] = [],
        ["PUT /api/v1/campaigns/{id}"] = [],
        ["POST /api/v1/campaigns/{id}/withdraw"] = [],
        ["PUT /api/v1/campaigns/{id}/support"] = [],
        ["GET /api/v1/hot-events"] = [.. PartyRead, "other-party-admin"],
        ["POST /api/v1/hot-events"] = ["party-admin", "party-member", "other-party-admin"],
        ["GET /api/v1/hot-events/{id}"] = [],
        ["PUT /api/v1/hot-events/{id}"] = [],
        ["PUT /api/v1/hot-events/{id}/qa"] = [],
        ["POST /api/v1/hot-events/{id}/acknowledge"] = [],
        ["POST /api/v1/hot-events/{id}/cancel"] = [],
        ["POST /api/v1/hot-events/{id}/stop"] = [],
        ["GET /api/v1/hot-events/{id}/traffic"] = [],
        ["GET /api/v1/hot-mode"] = SignedIn,
        ["GET /public/hot-events"] = Everyone,
        ["GET /public/hot-events/{id}/qa"] = [],

        // Incidents (docs/INCIDENTS.md). Lists and figures: party readers, another party's admin answered with its own party's rows.
        // Reporting by hand: operators, and any access-party user for its own party (an empty report without an Idempotency-Key
        // reaches the handler and is 400); management and auditors may not report. {id} is a user id here, so no incident has it:
        // the incident and every command on it are 404 to all who pass the policy. IncidentFlowTests prove the roles on real incidents.
        ["GET /api/v1/incidents"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/incidents/stats"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/incidents/workflow"] = SignedIn,
        ["POST /api/v1/incidents"] = ["admin", "operator", "party-admin", "party-member", "other-party-admin"],
        ["GET /api/v1/incidents/{id}"] = [],
        ["POST /api/v1/incidents/{id}/acknowledge"] = [],
        ["POST /api/v1/incidents/{id}/suspend-service"] = [],
        ["POST /api/v1/incidents/{id}/resume-service"] = [],
        ["POST /api/v1/incidents/{id}/mitigate"] = [],
        ["POST /api/v1/incidents/{id}/resolve"] = [],
        ["POST /api/v1/incidents/{id}/record-root-cause"] = [],
        ["POST /api/v1/incidents/{id}/update-action"] = [],
        ["POST /api/v1/incidents/{id}/send-feedback"] = [],
        ["POST /api/v1/incidents/{id}/read-feedback"] = [],
        ["POST /api/v1/incidents/{id}/close"] = [],
        ["POST /api/v1/incidents/{id}/reopen"] = [],
        ["POST /api/v1/incidents/{id}/set-severity"] = [],
        ["POST /api/v1/incidents/{id}/cite-plan"] = [],
        ["POST /api/v1/incidents/{id}/comment"] = [],

        // The alert centre: everyone signed in has one (an auditor's is empty); marking an unknown id read changes nothing (204).
        ["GET /api/v1/notifications"] = SignedIn,
        ["GET /api/v1/notifications/unread-count"] = SignedIn,
        ["POST /api/v1/notifications/{id}/read"] = NewsroomOnly, // an id the caller cannot see is 404 for everyone
        ["POST /api/v1/notifications/read-all"] = SignedIn,

        // A person's activity: themself, a chief of one of their channels, management and operators (administrators with them).
        // The target holds no channel role here, so no party user may see it; EditorActivityTests prove self and chief.
        ["GET /api/v1/editors/{userId}/activity"] = ["admin", "operator", "management"],

        // The cockpit: figures scoped to the caller (an access party's own), so every party user gets its own.
        ["GET /api/v1/cockpit"] = [.. PartyRead, "other-party-admin"],
        // Staff records (docs/PEOPLE.md). Without ?organisation= a party's users get their own party, platform staff and management the
        // operator; changes are for the organisation's admins (the operator's: administrators). {id} is no staff record here: 404.
        ["GET /api/v1/people"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/people/roster"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/people/reserve"] = [.. PartyRead, "other-party-admin"],
        ["PUT /api/v1/people/reserve"] = ["admin", "party-admin", "other-party-admin"],
        ["GET /api/v1/public-profile"] = [.. PartyRead, "other-party-admin"],
        ["PUT /api/v1/public-profile"] = ["admin", "party-admin", "other-party-admin"],
        ["GET /api/public/info"] = Everyone,
        ["GET /api/public/info/events"] = Everyone,
        ["GET /api/v1/people/rules"] = SignedIn,
        ["GET /api/v1/people/workflow"] = SignedIn,
        ["POST /api/v1/people"] = ["admin", "party-admin", "other-party-admin"],
        ["GET /api/v1/people/{id}"] = [],
        ["PUT /api/v1/people/{id}"] = [],
        ["POST /api/v1/people/{id}/certificates"] = [],
        ["DELETE /api/v1/people/{id}/certificates/{number}"] = [],
        // Certificate scans: uploading is for the organisation's admins, viewing also for the person themself (CertificateScanApiTests
        // prove both on real records); {id} is no staff record here: 404 for everyone.
        ["POST /api/v1/people/{id}/certificates/{number}/scan"] = [],
        ["GET /api/v1/people/{id}/certificates/{number}/scan"] = [],
        // The full personal data and its erasure, the same way (CertificateScanApiTests prove them on a real record).
        ["GET /api/v1/people/{id}/personal-data"] = [],
        ["DELETE /api/v1/people/{id}/personal-data"] = [],
        ["POST /api/v1/people/{id}/trainings"] = [],
        ["PUT /api/v1/people/{id}/account"] = [],
        ["POST /api/v1/people/{id}/leave"] = [],
        ["POST /api/v1/people/{id}/rejoin"] = [],
        // The growth record follows the record ({id} is no staff record here: 404); "me" is the caller's linked record, which none of these
        // accounts has (404 for everyone; GrowthApiTests prove the linked person's).
        ["GET /api/v1/people/{id}/growth"] = [],
        ["GET /api/v1/people/me"] = [],
        // Training: read like the roster; trainers are the organisation's admins (the operator's: administrators and operators). Without an
        // Idempotency-Key a trainer's command is 400; {planId}/{sessionId} are never reached.
        ["GET /api/v1/people/training"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/people/training/workflow"] = SignedIn,
        ["GET /api/v1/people/training/obligations"] = [.. PartyRead, "other-party-admin"],
        ["POST /api/v1/people/training/plans"] = Trainers,
        ["PUT /api/v1/people/training/plans/{planId}"] = Trainers,
        ["POST /api/v1/people/training/plans/{planId}/activate"] = Trainers,
        ["POST /api/v1/people/training/plans/{planId}/retire"] = Trainers,
        ["POST /api/v1/people/training/sessions"] = Trainers,
        ["POST /api/v1/people/training/sessions/{sessionId}/enrolment"] = Trainers,
        ["PUT /api/v1/people/training/sessions/{sessionId}/attendance"] = Trainers,
        ["PUT /api/v1/people/training/sessions/{sessionId}/scores"] = Trainers,
        ["POST /api/v1/people/training/sessions/{sessionId}/close"] = Trainers,
        ["POST /api/v1/people/training/sessions/{sessionId}/cancel"] = Trainers,
        // Appraisal: schemes read like the roster and set by the organisation's admins (the operator's: administrators); lists and opening
        // are for those admins (without an Idempotency-Key, 400); "mine" for anyone signed in. {id} is no appraisal here: 404 for everyone.
        ["GET /api/v1/people/appraisals"] = Appraisers,
        ["POST /api/v1/people/appraisals"] = Appraisers,
        ["GET /api/v1/people/appraisals/measures"] = SignedIn,
        ["GET /api/v1/people/appraisals/workflow"] = SignedIn,
        ["GET /api/v1/people/appraisals/mine"] = SignedIn,
        ["GET /api/v1/people/appraisals/schemes"] = [.. PartyRead, "other-party-admin"],
        ["PUT /api/v1/people/appraisals/schemes"] = Appraisers,
        ["GET /api/v1/people/appraisals/{id}"] = [],
        ["POST /api/v1/people/appraisals/{id}/recompute"] = [],
        ["PUT /api/v1/people/appraisals/{id}/score"] = [],
        ["POST /api/v1/people/appraisals/{id}/acknowledge"] = [],
        ["POST /api/v1/people/appraisals/{id}/dispute"] = [],
        ["POST /api/v1/people/appraisals/{id}/close"] = [],
        ["POST /api/v1/people/appraisals/{id}/incentives"] = [],
        ["PUT /api/v1/people/appraisals/{id}/goals"] = [],

        // Indicators and rectifications (docs/INDICATORS.md): management (administrators, operators, management) defines indicators and
        // closes months ({month} is no month here: 422 for them); lists are scoped to the caller's party. {id} is no indicator or
        // rectification here: 404; IndicatorMonthTests prove the party's answers and management's decisions on real ones.
        ["GET /api/v1/indicators"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/indicators/measures"] = SignedIn,
        ["GET /api/v1/indicators/workflow"] = SignedIn,
        ["POST /api/v1/indicators"] = ["admin", "operator", "management"],
        ["GET /api/v1/indicators/figures"] = [.. PartyRead, "other-party-admin"],
        ["POST /api/v1/indicators/months/{month}/close"] = ["admin", "operator", "management"],
        ["POST /api/v1/indicators/months/current/compute"] = ["admin", "operator", "management"],
        ["GET /api/v1/indicators/{id}"] = [],
        ["PUT /api/v1/indicators/{id}"] = [],
        ["POST /api/v1/indicators/{id}/activate"] = [],
        ["POST /api/v1/indicators/{id}/retire"] = [],
        ["GET /api/v1/rectifications"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/rectifications/workflow"] = SignedIn,
        ["GET /api/v1/rectifications/{id}"] = [],
        ["PUT /api/v1/rectifications/{id}/analysis"] = [],
        ["POST /api/v1/rectifications/{id}/plan"] = [],
        ["POST /api/v1/rectifications/{id}/actions/{number}/done"] = [],
        ["POST /api/v1/rectifications/{id}/finish"] = [],
        ["POST /api/v1/rectifications/{id}/explanation"] = [],
        ["POST /api/v1/rectifications/{id}/decision"] = [],
        ["GET /api/v1/reports/pack.xlsx"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/reports/pack.csv"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/reports/sections/{section}"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/reports/archive"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/reports/archive/{month}.xlsx"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/reports/archive/progress"] = ["admin", "operator", "management"],
        ["POST /api/v1/reports/archive/{month}"] = ["admin", "operator", "management"],
        // A pack on request: anyone who reads reports asks (for the previous month when the body names none); {id} is nobody's
        // request here, and a request is only ever its requester's, so following or downloading it is 404 (ReportExportTests).
        ["POST /api/v1/reports/exports"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/reports/exports/{id}"] = [],
        ["GET /api/v1/reports/exports/{id}/pack.xlsx"] = [],
        // Tickets (docs/TICKETS.md). The public endpoints answer anonymous callers (an empty filing is 400/422); {code} and {id} are no
        // ticket here, so following one is 404 for everyone, and the grains' table decides the moves (TicketLifecycleTests, PublicTicketTests).
        ["GET /api/public/tickets/form"] = Everyone,
        ["GET /api/public/tickets/challenge"] = Everyone,
        ["POST /api/public/tickets"] = Everyone,
        ["POST /api/public/tickets/{code}/view"] = [],
        ["POST /api/public/tickets/{code}/rating"] = [],
        ["POST /api/public/tickets/{code}/reopen"] = [],
        ["POST /api/public/tickets/{code}/erasure"] = [],
        ["GET /api/v1/tickets"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/tickets/workflow"] = SignedIn,
        ["GET /api/v1/tickets/settings"] = SignedIn,
        ["PUT /api/v1/tickets/calendar/{year}"] = ["admin"],
        ["POST /api/v1/tickets"] = Operations,
        ["GET /api/v1/tickets/{id}"] = [],
        ["GET /api/v1/tickets/{id}/contact"] = [],
        ["GET /api/v1/tickets/{id}/attachments/{attachment}"] = [],
        ["POST /api/v1/tickets/{id}/accept"] = [],
        ["POST /api/v1/tickets/{id}/reject"] = [],
        ["POST /api/v1/tickets/{id}/assign"] = [],
        ["POST /api/v1/tickets/{id}/handle"] = [],
        ["POST /api/v1/tickets/{id}/reply"] = [],
        ["POST /api/v1/tickets/{id}/return-visit"] = [],
        ["POST /api/v1/tickets/{id}/close"] = [],
        ["POST /api/v1/tickets/{id}/reopen"] = [],
        ["DELETE /api/v1/tickets/{id}/personal-data"] = [],
        ["POST /api/v1/tickets/{id}/rectifications"] = [],

        // Supervision and surveys (docs/TICKETS.md). Operators and management plan records and write surveys; {id} is no record or survey
        // here: 404 for everyone, and the grains' tables decide the moves (SupervisionFlowTests). The public survey link answers anonymous
        // callers only for a published survey, so an unknown one is 404.
        ["GET /api/v1/supervision"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/supervision/workflow"] = SignedIn,
        ["POST /api/v1/supervision"] = ["admin", "operator", "management"],
        ["GET /api/v1/supervision/{id}"] = [],
        ["POST /api/v1/supervision/{id}/schedule"] = [],
        ["POST /api/v1/supervision/{id}/record"] = [],
        ["POST /api/v1/supervision/{id}/findings"] = [],
        ["POST /api/v1/supervision/{id}/findings/{number}/rectification"] = [],
        ["POST /api/v1/supervision/{id}/survey"] = [],
        ["POST /api/v1/supervision/{id}/close"] = [],
        ["GET /api/v1/surveys"] = ["admin", "operator", "management"],
        ["GET /api/v1/surveys/workflow"] = SignedIn,
        ["POST /api/v1/surveys"] = ["admin", "operator", "management"],
        ["GET /api/v1/surveys/{id}"] = [],
        ["GET /api/v1/surveys/{id}/answers.xlsx"] = [],
        ["GET /api/v1/surveys/{id}/answers.csv"] = [],
        ["PUT /api/v1/surveys/{id}"] = [],
        ["POST /api/v1/surveys/{id}/publish"] = [],
        ["POST /api/v1/surveys/{id}/close"] = [],
        ["GET /api/public/surveys/{id}"] = [],
        ["POST /api/public/surveys/{id}/answers"] = [],

        // Yearly evaluations (docs/EVALUATION.md). Operators and management plan them (an empty body is 422); lists and the comparison
        // answer a party's users with their own center (platform staff without ?partyId= get 422 from the comparison). {id} is no
        // evaluation here: 404 for everyone, and the grain's table decides the moves (EvaluationFlowTests).
        ["GET /api/v1/evaluations"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/evaluations/workflow"] = SignedIn,
        ["GET /api/v1/evaluations/comparison"] = [.. PartyRead, "other-party-admin"],
        ["POST /api/v1/evaluations"] = ["admin", "operator", "management"],
        ["GET /api/v1/evaluations/{id}"] = [],
        ["GET /api/v1/evaluations/{id}/export.xlsx"] = [],
        ["PUT /api/v1/evaluations/{id}/criteria"] = [],
        ["POST /api/v1/evaluations/{id}/start"] = [],
        ["POST /api/v1/evaluations/{id}/scores"] = [],
        ["POST /api/v1/evaluations/{id}/survey"] = [],
        ["POST /api/v1/evaluations/{id}/evidence"] = [],
        ["POST /api/v1/evaluations/{id}/findings"] = [],
        ["POST /api/v1/evaluations/{id}/findings/{number}/rectification"] = [],
        ["POST /api/v1/evaluations/{id}/complete"] = [],
        ["POST /api/v1/evaluations/{id}/reopen"] = [],
        ["POST /api/v1/evaluations/{id}/conclude"] = [],
        ["POST /api/v1/evaluations/{id}/close"] = [],
        ["GET /api/v1/data-dictionary"] = AuditRead,
        ["GET /api/v1/retention/runs"] = ["admin", "operator", "management"],
        ["POST /api/v1/retention/runs"] = Operations,
        ["GET /api/v1/lineage/{kind}/{id}"] = PartyRead,

        // Webhooks: operators, and a party's admins for their own party (an empty body is 400). {id} is no webhook here: 404.
        ["GET /api/v1/webhooks"] = [.. PartyManage, "other-party-admin"],
        ["POST /api/v1/webhooks"] = [.. PartyManage, "other-party-admin"],
        ["DELETE /api/v1/webhooks/{id}"] = [],
        ["GET /api/v1/webhooks/{id}/deliveries"] = [],

        // Maintenance windows: operators, and a party's admins for their own party (an empty body is 400). {id} is no window here: 404.
        // The causes holding terminal alerts now: operators.
        ["GET /api/v1/maintenance-windows"] = [.. PartyManage, "other-party-admin"],
        ["POST /api/v1/maintenance-windows"] = [.. PartyManage, "other-party-admin"],
        ["GET /api/v1/maintenance-windows/{id}"] = [],
        ["POST /api/v1/maintenance-windows/{id}/cancel"] = [],
        ["GET /api/v1/inhibitions"] = Operations,
        // Applications (接入应用): a party's admins run their own party's, platform operators and administrators any party's (an empty
        // body is 422: no code, or no party named). {id} is no application here: 404; ApplicationTests prove the moves on real ones.
        // Moving a channel or terminal names no application and no Idempotency-Key here: 422 for those who may.
        ["GET /api/v1/applications"] = [.. PartyRead, "other-party-admin"],
        ["GET /api/v1/applications/workflow"] = SignedIn,
        ["POST /api/v1/applications"] = [.. PartyManage, "other-party-admin"],
        ["GET /api/v1/applications/{id}"] = [],
        ["GET /api/v1/applications/{id}/measures"] = [],
        ["PUT /api/v1/applications/{id}"] = [],
        ["POST /api/v1/applications/{id}/suspend"] = [],
        ["POST /api/v1/applications/{id}/resume"] = [],
        ["POST /api/v1/applications/{id}/retire"] = [],
        ["PUT /api/channels/{code}/application"] = PartyManage,
        ["PUT /api/channels/{code}/feed-language"] = PartyManage,
        ["PUT /api/terminals/{id}/application"] = PartyManage,

        // Alertmanager's own bearer token, never a user's (and absent unless configured).
        ["POST /api/v1/alertmanager"] = [],
    };

    [Fact]
    public async Task Every_endpoint_allows_exactly_the_roles_in_the_matrix()
    {
        var shared = await fixture.SharedAsync();
        var identity = shared.Deployment.Identity;
        await identity.PartyAsync("mx-a");
        await identity.PartyAsync("mx-b");
        var target = await identity.PartyUserAsync("mx-a-target", "mx-a", PartyRoles.Member, new PersonalData("13812345678", null, null));
        await identity.PlatformUserAsync("mx-admin", PlatformRoles.Admin);
        await identity.PlatformUserAsync("mx-operator", PlatformRoles.Operator);
        await identity.PlatformUserAsync("mx-management", PlatformRoles.Management);
        await identity.PlatformUserAsync("mx-auditor", PlatformRoles.Auditor);
        await identity.PartyUserAsync("mx-party-admin", "mx-a", PartyRoles.Admin);
        await identity.PartyUserAsync("mx-party-member", "mx-a", PartyRoles.Member);
        await identity.PartyUserAsync("mx-other-party-admin", "mx-b", PartyRoles.Admin);
        await identity.Terminals.IssueAsync("mx-a-t1", "mx-a", null);
        using (var setup = await shared.SignInAsync("mx-admin"))
        {
            var registered = await setup.PostAsJsonAsync("/api/terminals",
                new { id = "mx-a-term", name = "矩阵终端", kind = "Screen", region = "东区", partyId = "mx-a", heartbeatIntervalSeconds = 30 });
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
            // The target holds the post's basic training, so granting it a newsroom role is refused only for the caller's role.
            await People.TrainedStaff.RecordAsync(setup, "party:mx-a", target);
        }

        using var anonymous = shared.Anonymous();
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var endpoints = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .ToList();

        var unlisted = endpoints.Where(e => !Expected.ContainsKey(e)).ToList();
        Assert.True(unlisted.Count == 0, "Endpoints without a row in the authorization matrix: " + string.Join(", ", unlisted));
        Assert.Empty(Expected.Keys.Except(endpoints));

        var clients = new Dictionary<string, HttpClient> { [Anonymous] = anonymous };
        foreach (var role in Roles.Where(r => r != Anonymous))
        {
            clients[role] = await shared.SignInAsync("mx-" + role);
        }

        var failures = new List<string>();
        var table = new List<string>();
        foreach (var endpoint in endpoints.Order())
        {
            var row = new List<string>();
            foreach (var role in Roles)
            {
                var allowedExpected = Expected[endpoint].Contains(role);
                var status = await CallAsync(endpoint, role, clients, identity, target, shared);
                // 409 is how another party's terminal id is refused (ids are global; it is not taken over).
                var allowed = status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Conflict);
                row.Add(allowed ? "allow" : "deny");
                if (allowed != allowedExpected)
                {
                    failures.Add($"{endpoint} as {role}: expected {(allowedExpected ? "allow" : "deny")}, got {(int)status}");
                }
            }

            table.Add($"| `{endpoint}` | {string.Join(" | ", row)} |");
        }

        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "mc-authorization-matrix.md"),
            $"| endpoint | {string.Join(" | ", Roles)} |\n|---|{string.Concat(Roles.Select(_ => "---|"))}\n{string.Join('\n', table)}\n");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }

    private static async Task<HttpStatusCode> CallAsync(string endpoint, string role, Dictionary<string, HttpClient> clients, TestIdentity identity,
        Guid target, SharedDeployment shared)
    {
        var (method, template) = (endpoint[..endpoint.IndexOf(' ')], endpoint[(endpoint.IndexOf(' ') + 1)..]);
        var path = template.StartsWith("/api/terminals/{id}", StringComparison.Ordinal) ? template.Replace("{id}", "mx-a-term")
            : template.StartsWith("/api/v1/lineage/", StringComparison.Ordinal) ? template.Replace("{kind}", "terminal").Replace("{id}", "mx-a-term") : template;
        path = path.Replace("{id}", target.ToString()).Replace("{userId}", target.ToString()).Replace("{code}", "mx-a-home")
            .Replace("{role}", ChannelRoles.Editor).Replace("{target}", "pc").Replace("{version}", "1").Replace("{terminalId}", "mx-a-t1").Replace("{year}", "2099")
            .Replace("{attachment}", target.ToString());

        var client = clients[role];
        if (endpoint == "POST /api/auth/sign-out" && role != Anonymous)
        {
            // Signing out revokes the caller's token: use a fresh one so the other rows keep theirs.
            client = await shared.SignInAsync("mx-" + role);
        }

        if (endpoint == "DELETE /api/channels/{code}/members/{userId}/{role}")
        {
            await identity.Users.AddChannelRoleAsync("mx-a-home", target, ChannelRoles.Editor, null);
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { });
        }

        // Headers only: a live stream (text/event-stream) answers its status and never ends; disposing the response closes it.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (endpoint is "POST /api/auth/sign-in" or "POST /api/auth/tokens" && response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // An empty sign-in is refused for its credentials, not for the caller's role: it reached the endpoint.
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            return problem.GetProperty("title").GetString()!.Contains("用户名或密码错误", StringComparison.Ordinal) ? HttpStatusCode.BadRequest : response.StatusCode;
        }

        return response.StatusCode;
    }
}
