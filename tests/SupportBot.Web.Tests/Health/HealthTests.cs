using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.Health;

[Collection(WebHostCollection.Name)]
public sealed class HealthTests(TrainedModelFixture model, SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    [Fact]
    public async Task Healthz_is_200_while_the_process_serves()
    {
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_is_200_once_the_model_is_loaded_and_the_storage_answers()
    {
        using var client = await host.CreateReadyClientAsync();

        using var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Healthy", (string?)report["checks"]!["model"]!["status"]);
        Assert.Equal("Healthy", (string?)report["checks"]!["storage"]!["status"]);
    }

    [Fact]
    public async Task Until_a_model_loads_readyz_is_503_and_answers_are_503_then_a_valid_model_file_is_picked_up()
    {
        var folder = Directory.CreateTempSubdirectory("supportbot-web-tests-unready-").FullName;
        try
        {
            var modelPath = Path.Combine(folder, "intent-model.zip");
            await File.WriteAllTextAsync(modelPath, "not a model");
            await using var unready = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
            {
                ["Classifier:ModelPath"] = modelPath,
                ["Classifier:FirstModelTimeout"] = "00:00:01",
                ["Classifier:ReloadDebounce"] = "00:00:00.100",
            });
            using var client = unready.CreateClient();

            using (var notReady = await client.GetAsync("/readyz"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            }

            using (var alive = await client.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            }

            using (var answers = await client.PostAsJsonAsync("/api/v1/answers", new { question = "logout fails" }))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, answers.StatusCode);
                Assert.Equal("application/problem+json", answers.Content.Headers.ContentType?.MediaType);
            }

            File.Copy(model.ModelPath, modelPath, overwrite: true);

            using var ready = await unready.CreateReadyClientAsync();
            using var answered = await ready.PostAsJsonAsync("/api/v1/answers", new { question = "keyhash mismatch android" });
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
