using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SupportBot.Web.HelpDesk;

namespace SupportBot.Web.Admin;

/// <summary>
/// The admin password: the configured one, or in Development with none configured a random one
/// for this run (logged at start with a warning); anywhere else none, and the dashboard stays
/// closed. Kept as a SHA-256 hash and compared in constant time. There is no default password.
/// </summary>
public sealed class AdminCredentials
{
    public const string Setting = $"{HelpDeskOptions.Section}:{nameof(HelpDeskOptions.AdminPassword)}";

    private readonly byte[]? _hash;

    public AdminCredentials(IOptions<HelpDeskOptions> options, IHostEnvironment environment)
    {
        var password = options.Value.AdminPassword;
        if (password.Length == 0 && environment.IsDevelopment())
        {
            GeneratedPassword = RandomNumberGenerator.GetHexString(32, lowercase: true);
            password = GeneratedPassword;
        }

        _hash = password.Length == 0 ? null : Hash(password);
    }

    /// <summary>Whether anyone can sign in at all.</summary>
    public bool IsConfigured => _hash is not null;

    /// <summary>The password generated for this run in Development; null when one is configured.</summary>
    public string? GeneratedPassword { get; }

    public bool Matches(string? presented) =>
        _hash is not null && presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), _hash);

    private static byte[] Hash(string password) => SHA256.HashData(Encoding.UTF8.GetBytes(password));
}
