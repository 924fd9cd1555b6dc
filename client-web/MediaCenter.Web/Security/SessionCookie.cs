namespace MediaCenter.Web.Security;

/// <summary>
/// The browser session cookie. Outside development it is always <c>Secure</c> and named <c>__Host-mc.session</c>, whatever the request
/// looked like: behind a TLS proxy the web may see plain http, and the prefix makes browsers refuse the cookie unless it is Secure,
/// host-only and for the whole site, so a sibling domain or a plain-http page cannot plant or read one. Development over plain http
/// keeps a cookie the browser will store there.
/// </summary>
public sealed class SessionCookie(IWebHostEnvironment environment)
{
    /// <summary>The name outside development.</summary>
    public const string SecureName = "__Host-mc.session";

    /// <summary>The name in development over plain http.</summary>
    public const string DevelopmentName = "mc.session";

    private bool Secure(HttpRequest request) => !environment.IsDevelopment() || request.IsHttps;

    /// <summary>The cookie's name for this request.</summary>
    public string Name(HttpRequest request) => Secure(request) ? SecureName : DevelopmentName;

    /// <summary>Sets the cookie.</summary>
    public void Append(HttpResponse response, string token, DateTimeOffset expires) =>
        response.Cookies.Append(Name(response.HttpContext.Request), token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = Secure(response.HttpContext.Request),
            Expires = expires,
            Path = "/",
        });

    /// <summary>Removes the cookie.</summary>
    public void Delete(HttpResponse response) =>
        response.Cookies.Delete(Name(response.HttpContext.Request), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = Secure(response.HttpContext.Request),
            Path = "/",
        });
}
