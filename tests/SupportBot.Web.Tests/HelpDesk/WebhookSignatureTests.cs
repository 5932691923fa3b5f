using System.Text;
using SupportBot.Web.HelpDesk.Webhooks;

namespace SupportBot.Web.Tests.HelpDesk;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec-test-0123456789abcdef-0123456789";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"ticket.created"}""");
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static string Timestamp => Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_signature_is_hmac_sha256_over_the_timestamp_a_dot_and_the_body_in_lowercase_hex()
    {
        // The value the README's Python check computes for the same secret, timestamp and body:
        // "sha256=" + hmac.new(secret, b"1740819600." + body, sha256).hexdigest().
        Assert.Equal("1740819600", Timestamp);
        Assert.Equal(
            "sha256=c4d512564375c83ad69dc7ae581cde36f0259981fce6a798d54537b939a95acf",
            WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body));
    }

    [Fact]
    public void A_signature_made_with_the_secret_verifies()
    {
        var signature = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);

        Assert.True(WebhookSignature.Verify(Secret, Timestamp, signature, Body, Now.AddMinutes(4), WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void Another_body_secret_or_timestamp_does_not_verify()
    {
        var signature = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        var tolerance = WebhookSignature.DefaultTolerance;

        Assert.False(WebhookSignature.Verify(Secret, Timestamp, signature, Encoding.UTF8.GetBytes("""{"id":"evt_2","type":"ticket.created"}"""), Now, tolerance));
        Assert.False(WebhookSignature.Verify("another-secret-0123456789", Timestamp, signature, Body, Now, tolerance));
        Assert.False(WebhookSignature.Verify(Secret, (Now.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), signature, Body, Now, tolerance));
    }

    [Fact]
    public void A_replay_outside_the_tolerance_does_not_verify()
    {
        var signature = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);

        Assert.False(WebhookSignature.Verify(Secret, Timestamp, signature, Body, Now.AddMinutes(6), WebhookSignature.DefaultTolerance));
    }

    [Theory]
    [InlineData(null, "sha256=00")]
    [InlineData("soon", "sha256=00")]
    [InlineData("1740819600", null)]
    [InlineData("1740819600", "md5=00")]
    [InlineData("1740819600", "sha256=not-hex")]
    public void Malformed_headers_do_not_verify(string? timestamp, string? signature) =>
        Assert.False(WebhookSignature.Verify(Secret, timestamp, signature, Body, Now, WebhookSignature.DefaultTolerance));
}
