using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SupportBot.Web.HelpDesk.Webhooks;

/// <summary>
/// How a webhook request is signed: HMAC-SHA256, keyed with the shared secret, over the
/// timestamp header, a dot and the exact body bytes; sent as <c>sha256=</c> and lowercase hex.
/// The timestamp is inside what is signed, so a captured request cannot be replayed later with a
/// fresh timestamp; receivers refuse timestamps far from their own clock.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-SupportBot-Signature";
    public const string TimestampHeader = "X-SupportBot-Timestamp";
    public const string EventIdHeader = "X-SupportBot-Event-Id";
    public const string EventTypeHeader = "X-SupportBot-Event-Type";

    private const string Scheme = "sha256=";

    /// <summary>How far a receiver should let the timestamp be from its clock.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body) =>
        Scheme + Convert.ToHexStringLower(Mac(secret, unixSeconds, body));

    /// <summary>Whether the signature is the secret's over this timestamp and body, and the timestamp within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds)
            || signature is null
            || !signature.StartsWith(Scheme, StringComparison.Ordinal)
            || Math.Abs(now.ToUnixTimeSeconds() - unixSeconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(signature.AsSpan(Scheme.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(presented, Mac(secret, unixSeconds, body));
    }

    private static byte[] Mac(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }
}
