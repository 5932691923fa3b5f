using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>
/// The Data Protection key ring in the shared database (table <c>data_protection_keys</c>), so a
/// cookie or antiforgery token issued by one replica is accepted by every other.
/// </summary>
/// <remarks>
/// <see cref="IXmlRepository"/> is synchronous; the key manager calls it rarely (at the first
/// protect or unprotect, then about once a day and when it creates a key) and caches the ring.
/// </remarks>
public sealed class PostgreSqlXmlRepository(PostgreSqlDatabase database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.OpenConnectionAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var command = connection.Command("SELECT xml FROM data_protection_keys ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = database.OpenConnectionAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var command = connection.Command(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2)", friendlyName, element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
