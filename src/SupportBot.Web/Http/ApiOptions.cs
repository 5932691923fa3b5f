using System.ComponentModel.DataAnnotations;

namespace SupportBot.Web.Http;

/// <summary>Limits on what the HTTP endpoints accept (the <c>Api</c> section).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>The largest request body /api/messages and the REST API read; larger ones get a 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;
}
