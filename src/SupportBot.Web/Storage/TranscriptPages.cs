using System.Globalization;
using Microsoft.Bot.Builder;

namespace SupportBot.Web.Storage;

/// <summary>Paging of the database transcript stores: <see cref="PageSize"/> items, the continuation token the row id of a page's last item.</summary>
public static class TranscriptPages
{
    public const int PageSize = 20;

    public static long ParseContinuationToken(string? continuationToken)
    {
        if (string.IsNullOrEmpty(continuationToken))
        {
            return 0;
        }

        return long.TryParse(continuationToken, NumberStyles.None, CultureInfo.InvariantCulture, out var rowId)
            ? rowId
            : throw new ArgumentException($"'{continuationToken}' is not a continuation token from this store.", nameof(continuationToken));
    }

    /// <summary>A page from up to <see cref="PageSize"/> + 1 rows: the extra row's presence alone says there is a next page.</summary>
    public static PagedResult<T> Page<TRow, T>(List<TRow> rows, Func<TRow, T> item, Func<TRow, long> rowId)
    {
        var page = rows.Take(PageSize).ToList();
        return new PagedResult<T>
        {
            Items = page.Select(item).ToArray(),
            ContinuationToken = rows.Count > PageSize ? rowId(page[^1]).ToString(CultureInfo.InvariantCulture) : null,
        };
    }
}
