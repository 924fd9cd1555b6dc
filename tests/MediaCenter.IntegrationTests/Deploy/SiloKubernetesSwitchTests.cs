namespace MediaCenter.IntegrationTests.Deploy;

/// <summary>Silo:Kubernetes (Orleans' Kubernetes hosting) is checked at start-up like every other setting.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class SiloKubernetesSwitchTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_silo_switched_to_kubernetes_hosting_outside_a_pod_refuses_to_start_and_names_what_is_wrong()
    {
        await using var deployment = await fixture.NewDeploymentAsync();

        // Pod variables present but wrong, outside any cluster: our own validation names each problem.
        var wrong = await deployment.StartSiloAsync("k8s-wrong", new Dictionary<string, string>
        {
            ["Silo__Kubernetes"] = "true",
            ["POD_NAME"] = "silo-7d9f",
            ["POD_NAMESPACE"] = "mediacenter",
            ["POD_IP"] = "not-an-ip",
            ["ORLEANS_CLUSTER_ID"] = "another-cluster",
        }, waitReady: false);
        var log = await ExitedWithAsync(wrong);
        Assert.Contains("Silo:Kubernetes is true but KUBERNETES_SERVICE_HOST is not set", log);
        Assert.Contains("POD_IP is not an IP address (was 'not-an-ip'", log);
        Assert.Contains($"ORLEANS_CLUSTER_ID ('another-cluster') must equal Cluster:ClusterId ('{deployment.ClusterId}')", log);

        // No pod variables at all: Orleans' own validation of its Kubernetes options stops it first.
        var bare = await deployment.StartSiloAsync("k8s-bare", new Dictionary<string, string> { ["Silo__Kubernetes"] = "true" }, waitReady: false);
        Assert.Contains("POD_NAMESPACE", await ExitedWithAsync(bare));

        // An unreadable switch is refused, naming the key.
        var typo = await deployment.StartSiloAsync("k8s-typo", new Dictionary<string, string> { ["Silo__Kubernetes"] = "yes please" }, waitReady: false);
        Assert.Contains("Silo:Kubernetes", await ExitedWithAsync(typo));
    }

    private static async Task<string> ExitedWithAsync(TestProcess silo)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.Process.WaitForExitAsync(timeout.Token);
        Assert.NotEqual(0, silo.Process.ExitCode);
        // Let the log pump catch up with the last lines the process wrote.
        await Task.Delay(500);
        return await File.ReadAllTextAsync(silo.Process.LogPath);
    }
}
