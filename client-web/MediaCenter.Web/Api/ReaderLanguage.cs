using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Json;

namespace MediaCenter.Web.Api;

/// <summary>
/// The reader's language on the web: chosen by <c>?lang=</c>, else the <c>mc.lang</c> cookie the pages set, else
/// Accept-Language; Chinese by default. Every string an API response carries is rendered in it on the way out (the
/// messages grains and stores keep as <see cref="Msg"/>), and so are problem details' title, detail and errors: one
/// render point for the whole API. Chinese is written as itself, not as <c>\uXXXX</c>. Strings read from request
/// bodies lose any message marker, so people's text can never pass for a message.
/// </summary>
public static class ReaderLanguage
{
    /// <summary>The cookie the pages keep the person's choice in.</summary>
    public const string Cookie = "mc.lang";

    /// <summary>The language a request asks for.</summary>
    /// <param name="request">The request.</param>
    public static string Of(HttpRequest request)
    {
        if (request.Query.TryGetValue("lang", out var asked) && !string.IsNullOrWhiteSpace(asked))
        {
            return Languages.Resolve(asked);
        }

        if (request.Cookies.TryGetValue(Cookie, out var chosen) && !string.IsNullOrWhiteSpace(chosen))
        {
            return Languages.Resolve(chosen);
        }

        return Languages.Resolve(request.Headers.AcceptLanguage);
    }

    /// <summary>JSON options that render messages in one language (the live events, sent per language).</summary>
    /// <param name="language">The language.</param>
    /// <param name="configure">The options the payloads are otherwise written with.</param>
    public static JsonSerializerOptions OptionsFor(string language, Action<JsonSerializerOptions> configure)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        configure(options);
        Apply(options, () => language);
        return options;
    }

    /// <summary>Registers the rendering of API responses and problem details.</summary>
    /// <param name="services">The services.</param>
    public static IServiceCollection AddReaderLanguage(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(o => Apply(o.SerializerOptions, () => MessageCatalog.CurrentLanguage));
        services.Configure<ProblemDetailsOptions>(o => o.CustomizeProblemDetails += context =>
        {
            var problem = context.ProblemDetails;
            if (Msg.KeyOf(problem.Detail) is { } key)
            {
                // A client that keeps its own texts finds the message by key (the outcome is in "code").
                problem.Extensions["detailKey"] = key;
            }

            problem.Title = MessageCatalog.Render(problem.Title);
            problem.Detail = MessageCatalog.Render(problem.Detail);
            if (problem.Extensions.TryGetValue("errors", out var errors) && errors is IEnumerable<string> list)
            {
                problem.Extensions["errors"] = list.Select(e => MessageCatalog.Render(e)).ToArray();
            }
        });
        return services;
    }

    /// <summary>Sets the reader's language for the rest of the request.</summary>
    /// <param name="app">The application.</param>
    public static IApplicationBuilder UseReaderLanguage(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        MessageCatalog.CurrentLanguage = Of(context.Request);
        context.Response.Headers.ContentLanguage = MessageCatalog.CurrentLanguage;
        return next(context);
    });

    private static void Apply(JsonSerializerOptions options, Func<string> language)
    {
        options.Converters.Insert(0, new RenderedText(language));
        options.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
    }

    /// <summary>Writes every string with its messages rendered.</summary>
    private sealed class RenderedText(Func<string> language) : JsonConverter<string>
    {
        public override bool HandleNull => false;

        // What people send never carries a message's markers: their text stays their text.
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Msg.WithoutMarkers(reader.GetString());

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Msg.IsIn(value) ? MessageCatalog.Render(value, language()) : value);

        // Dictionary keys are names, written as they are.
        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() ?? "";

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value);
    }
}
