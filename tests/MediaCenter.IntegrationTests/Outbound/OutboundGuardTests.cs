using System.Diagnostics;
using System.Net;
using MediaCenter.Hosting.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MediaCenter.IntegrationTests.Outbound;

/// <summary>
/// The outbound guard in process, against loopback servers and a substituted resolver: no test here sends a packet anywhere but to
/// 127.0.0.1, and the refused cases show that not even a TCP connection reached the listener.
/// </summary>
public sealed class OutboundGuardTests
{
    /// <summary>A resolver that answers from a table, and the answers in turn when a name has several (a rebinding name).</summary>
    private sealed class TableResolver(Dictionary<string, IPAddress[][]> answers) : IOutboundResolver
    {
        private readonly Dictionary<string, int> _asked = [];

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            lock (_asked)
            {
                if (!answers.TryGetValue(host, out var turns))
                {
                    throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound);
                }

                var turn = _asked.GetValueOrDefault(host);
                _asked[host] = turn + 1;
                return Task.FromResult(turns[Math.Min(turn, turns.Length - 1)]);
            }
        }
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings, Dictionary<string, IPAddress[][]>? answers = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IOutboundResolver>(new TableResolver(answers ?? []));
        services.AddOutboundGuard(configuration);
        services.AddHttpClient("test").UseOutboundGuard();
        return services.BuildServiceProvider();
    }

    private static (ServiceProvider Services, OutboundGuard Guard, HttpClient Client) Build(Dictionary<string, string?> settings,
        Dictionary<string, IPAddress[][]>? answers = null)
    {
        var provider = Services(settings, answers);
        return (provider, provider.GetRequiredService<OutboundGuard>(), provider.GetRequiredService<IHttpClientFactory>().CreateClient("test"));
    }

    private static readonly Dictionary<string, string?> HttpToLoopback = new()
    {
        ["Outbound:AllowHttp"] = "true",
        ["Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
    };

    [Theory]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("127.255.0.9", AddressKind.Loopback)]
    [InlineData("10.1.2.3", AddressKind.Private)]
    [InlineData("172.16.5.4", AddressKind.Private)]
    [InlineData("172.31.255.255", AddressKind.Private)]
    [InlineData("192.168.1.1", AddressKind.Private)]
    [InlineData("169.254.10.10", AddressKind.LinkLocal)]
    [InlineData("169.254.169.254", AddressKind.Metadata)]
    [InlineData("100.100.100.200", AddressKind.Metadata)]
    [InlineData("100.64.1.1", AddressKind.SharedAddressSpace)]
    [InlineData("224.0.0.1", AddressKind.Multicast)]
    [InlineData("0.0.0.0", AddressKind.Unspecified)]
    [InlineData("255.255.255.255", AddressKind.Reserved)]
    [InlineData("198.51.100.7", AddressKind.Reserved)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("::", AddressKind.Unspecified)]
    [InlineData("fe80::1", AddressKind.LinkLocal)]
    [InlineData("fc00::1", AddressKind.Private)]
    [InlineData("fd12:3456::1", AddressKind.Private)]
    [InlineData("fd00:ec2::254", AddressKind.Metadata)]
    [InlineData("ff02::1", AddressKind.Multicast)]
    [InlineData("::ffff:127.0.0.1", AddressKind.Loopback)]
    [InlineData("::ffff:10.0.0.1", AddressKind.Private)]
    [InlineData("::ffff:169.254.169.254", AddressKind.Metadata)]
    [InlineData("::127.0.0.1", AddressKind.Reserved)]
    [InlineData("64:ff9b::a00:1", AddressKind.Private)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressKind.Metadata)]
    [InlineData("2002:7f00:1::1", AddressKind.Loopback)]
    [InlineData("2001:db8::1", AddressKind.Reserved)]
    [InlineData("8.8.8.8", AddressKind.Public)]
    [InlineData("172.32.0.1", AddressKind.Public)]
    [InlineData("2606:4700:4700::1111", AddressKind.Public)]
    [InlineData("64:ff9b::808:808", AddressKind.Public)]
    public void Every_address_is_judged_by_where_it_really_leads(string address, AddressKind expected)
    {
        var ip = IPAddress.Parse(address);
        Assert.Equal(expected, OutboundAddressPolicy.Classify(ip));
        Assert.Equal(expected == AddressKind.Public, OutboundAddressPolicy.IsAllowed(ip, []));
    }

    [Fact]
    public void The_allow_list_opens_the_networks_it_names_but_never_a_metadata_service()
    {
        IReadOnlyList<IPNetwork> allowed = [IPNetwork.Parse("127.0.0.1/32"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("fd00::/8")];

        Assert.True(OutboundAddressPolicy.IsAllowed(IPAddress.Parse("127.0.0.1"), allowed));
        Assert.True(OutboundAddressPolicy.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1"), allowed));
        Assert.False(OutboundAddressPolicy.IsAllowed(IPAddress.Parse("127.0.0.2"), allowed));
        Assert.False(OutboundAddressPolicy.IsAllowed(IPAddress.Parse("::1"), allowed));
        Assert.True(OutboundAddressPolicy.IsAllowed(IPAddress.Parse("169.254.10.10"), allowed));
        Assert.False(OutboundAddressPolicy.IsAllowed(IPAddress.Parse("169.254.169.254"), allowed));
        Assert.False(OutboundAddressPolicy.IsAllowed(IPAddress.Parse("fd00:ec2::254"), allowed));
    }

    [Fact]
    public async Task Internal_addresses_are_refused_before_any_connection_is_made_whatever_form_they_take()
    {
        await using var listener = LoopbackHttp.Ok();
        var (services, guard, client) = Build(new() { ["Outbound:AllowHttp"] = "true" }, new()
        {
            ["localhost"] = [[IPAddress.Loopback, IPAddress.IPv6Loopback]],
            ["inside.test"] = [[IPAddress.Parse("::ffff:127.0.0.1")]],
            ["mixed.test"] = [[IPAddress.Parse("8.8.8.8"), IPAddress.Loopback]],
        });
        await using var _ = services;

        foreach (var url in new[]
        {
            $"http://127.0.0.1:{listener.Port}/", $"http://[::ffff:127.0.0.1]:{listener.Port}/", $"http://[::ffff:7f00:1]:{listener.Port}/",
            $"http://localhost:{listener.Port}/", $"http://inside.test:{listener.Port}/", $"http://mixed.test:{listener.Port}/",
            $"http://2130706433:{listener.Port}/", $"http://0x7f.1:{listener.Port}/",
        })
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => client.GetAsync(url));
            Assert.Equal(OutboundFailure.Refused, OutboundFailures.Classify(error));
            Assert.NotNull(await guard.CheckAsync(new Uri(url), CancellationToken.None));
        }

        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task A_name_checked_when_stored_is_checked_again_on_every_connection()
    {
        await using var listener = LoopbackHttp.Ok();
        // Public when the webhook is registered, loopback when it is used: DNS rebinding. Nothing connects to the public address.
        var (services, guard, client) = Build(new() { ["Outbound:AllowHttp"] = "true" }, new()
        {
            ["rebind.test"] = [[IPAddress.Parse("93.184.215.14")], [IPAddress.Loopback]],
        });
        await using var _ = services;
        var url = new Uri($"http://rebind.test:{listener.Port}/hook");

        Assert.Null(await guard.CheckAsync(url, CancellationToken.None));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.PostAsync(url, new StringContent("{}")));

        Assert.Equal(OutboundFailure.Refused, OutboundFailures.Classify(error));
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task The_allow_list_lets_a_loopback_receiver_through_and_pinned_names_resolve_from_the_settings()
    {
        await using var listener = LoopbackHttp.Ok();
        var (services, guard, client) = Build(new(HttpToLoopback) { ["Outbound:Hosts:receiver.intranet"] = "127.0.0.1" });
        await using var _ = services;

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"http://127.0.0.1:{listener.Port}/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"http://receiver.intranet:{listener.Port}/")).StatusCode);
        Assert.Null(await guard.CheckAsync(new Uri($"http://receiver.intranet:{listener.Port}/"), CancellationToken.None));
        Assert.Equal(2, listener.Connections);
    }

    [Fact]
    public async Task Plain_http_is_refused_unless_allowed()
    {
        await using var listener = LoopbackHttp.Ok();
        var (services, guard, client) = Build(new() { ["Outbound:AllowedNetworks:0"] = "127.0.0.1/32" });
        await using var _ = services;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.GetAsync($"http://127.0.0.1:{listener.Port}/"));
        Assert.Equal(OutboundFailure.Refused, OutboundFailures.Classify(error));
        Assert.NotNull(guard.CheckUri(new Uri($"http://127.0.0.1:{listener.Port}/")));
        Assert.Null(guard.CheckUri(new Uri($"https://127.0.0.1:{listener.Port}/")));
        Assert.NotNull(guard.CheckUri(new Uri("ftp://127.0.0.1/")));
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task A_redirect_is_handed_back_not_followed()
    {
        await using var elsewhere = LoopbackHttp.Ok();
        await using var redirecting = LoopbackHttp.Start(_ => LoopbackAnswer.Status(302, "", $"Location: http://127.0.0.1:{elsewhere.Port}/meta-data"));
        var (services, _, client) = Build(HttpToLoopback);
        await using var __ = services;

        var response = await client.PostAsync($"http://127.0.0.1:{redirecting.Port}/hook", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(0, elsewhere.Connections);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_answer_longer_than_the_limit_fails_the_request(bool announced)
    {
        const int limit = 4096;
        await using var big = LoopbackHttp.Start(_ => announced ? LoopbackAnswer.Status(200, new string('x', 100_000)) : LoopbackAnswer.Unsized(100_000));
        await using var small = LoopbackHttp.Start(_ => LoopbackAnswer.Status(200, new string('x', limit)));
        var (services, _, client) = Build(new(HttpToLoopback) { ["Outbound:MaxResponseBytes"] = limit.ToString() });
        await using var __ = services;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.GetAsync($"http://127.0.0.1:{big.Port}/"));
        Assert.Equal(OutboundFailure.TooLarge, OutboundFailures.Classify(error));
        Assert.Equal(limit, (await client.GetByteArrayAsync($"http://127.0.0.1:{small.Port}/")).Length);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_is_cut_off_at_the_time_limit()
    {
        await using var slow = LoopbackHttp.Start(_ => LoopbackAnswer.Status(200, "late") with { Delay = TimeSpan.FromSeconds(20) });
        var (services, _, client) = Build(new(HttpToLoopback) { ["Outbound:Timeout"] = "00:00:01" });
        await using var __ = services;

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.GetAsync($"http://127.0.0.1:{slow.Port}/"));

        Assert.Equal(OutboundFailure.TimedOut, OutboundFailures.Classify(error));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.Equal("timed out", OutboundFailures.Describe(OutboundFailure.TimedOut));
    }

    [Theory]
    [InlineData("Outbound:AllowedNetworks:0", "10.0.0.1/8", "bits set after the prefix")]
    [InlineData("Outbound:AllowedNetworks:0", "intranet", "CIDR")]
    [InlineData("Outbound:AllowedNetworks:0", "0.0.0.0/0", "every address")]
    [InlineData("Outbound:AllowedNetworks:0", "::/0", "every address")]
    [InlineData("Outbound:Hosts:receiver.test", "not-an-address", "IP addresses")]
    [InlineData("Outbound:Timeout", "00:00:00", "Timeout")]
    [InlineData("Outbound:MaxResponseBytes", "0", "MaxResponseBytes")]
    public async Task Settings_that_would_weaken_or_break_the_guard_are_refused_at_start_up(string key, string value, string named)
    {
        await using var services = Services(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OutboundSettings>>().Value);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
