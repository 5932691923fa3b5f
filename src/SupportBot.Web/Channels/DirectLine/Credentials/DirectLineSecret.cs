using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace SupportBot.Web.Channels.DirectLine.Credentials;

/// <summary>
/// The Direct Line secret: from <c>DirectLine:Secret</c>, or, when none is configured, a development
/// secret generated once into a file under the content root (so tokens survive a restart). It
/// never leaves the server: the page gets tokens from /api/webchat/token.
/// </summary>
public sealed class DirectLineSecret
{
    private const int GeneratedBytes = 32;
    private static readonly byte[] SigningKeyInfo = "SupportBot Direct Line token signing key v1"u8.ToArray();

    private readonly byte[] _secretHash;

    private DirectLineSecret(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        _secretHash = SHA256.HashData(bytes);

        // A key of its own for signing, so a token never carries anything computed from the raw secret.
        SigningKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, bytes, outputLength: 32, salt: [], info: SigningKeyInfo);
    }

    /// <summary>The HMAC-SHA256 key tokens are signed with.</summary>
    public byte[] SigningKey { get; }

    public static DirectLineSecret FromOptions(IOptions<DirectLineOptions> options, IHostEnvironment environment, ILogger<DirectLineSecret> logger)
    {
        var configured = options.Value.Secret;
        if (!string.IsNullOrEmpty(configured))
        {
            return new DirectLineSecret(configured);
        }

        var path = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.GeneratedSecretPath));
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= DirectLineOptionsValidator.MinimumSecretLength } kept)
        {
            logger.LogInformation("Direct Line uses the development secret kept in {SecretPath} (set DirectLine:Secret in production)", path);
            return new DirectLineSecret(kept);
        }

        var generated = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(GeneratedBytes));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, generated);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        logger.LogWarning("No DirectLine:Secret is configured: generated a development Direct Line secret into {SecretPath}", path);
        return new DirectLineSecret(generated);
    }

    /// <summary>For tests and tools that hold the secret in memory.</summary>
    public static DirectLineSecret FromValue(string secret) => new(secret);

    /// <summary>Whether <paramref name="candidate"/> is the secret, in time that does not depend on where they differ.</summary>
    public bool Matches(string candidate) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate)), _secretHash);
}
