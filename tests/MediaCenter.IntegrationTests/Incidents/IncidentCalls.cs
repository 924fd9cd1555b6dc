using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.IntegrationTests.Newsroom;

namespace MediaCenter.IntegrationTests.Incidents;

/// <summary>Calls of the incident API.</summary>
public static class IncidentCalls
{
    /// <summary>Reports an incident by hand; returns the created incident.</summary>
    public static async Task<JsonElement> ReportAsync(this HttpClient client, object body, string? key = null)
    {
        var response = await client.SendAsync(HttpMethod.Post, "/api/v1/incidents", body, key ?? Guid.NewGuid().ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"report: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Sends an incident command (<paramref name="command"/> in kebab case) and returns the response.</summary>
    public static Task<HttpResponseMessage> IncidentAsync(this HttpClient client, string id, string command, object? body = null, string? key = null) =>
        client.SendAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/{command}", body ?? new { }, key ?? Guid.NewGuid().ToString());

    /// <summary>Sends an incident command that must be applied; returns the incident.</summary>
    public static async Task<JsonElement> IncidentOkAsync(this HttpClient client, string id, string command, object? body = null, string? key = null)
    {
        var response = await client.IncidentAsync(id, command, body, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{command} on {id}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Sends an incident command that must be refused with <paramref name="status"/>; returns the problem.</summary>
    public static async Task<JsonElement> IncidentRefusedAsync(this HttpClient client, HttpStatusCode status, string id, string command, object? body = null)
    {
        var response = await client.IncidentAsync(id, command, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{command} on {id}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        return text.Length > 0 ? JsonDocument.Parse(text).RootElement : default;
    }

    public static Task<JsonElement> IncidentOfAsync(this HttpClient client, string id) => client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}");

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static string[] Strings(this JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
}
