using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace OrthancPortal.Infrastructure.Database;

/// <summary>One page of a list and the column it is sorted on, as a grid asks for it (the UI-free form services take).</summary>
/// <param name="SortBy">A name the service's <see cref="SortKeys{T}"/> knows, or null (or unknown) for the list's default order.</param>
public sealed record PageRequest(int Skip, int Take, string? SortBy = null, bool Descending = false);

/// <summary>The rows of one page and how many rows the whole list has.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, int Total);

/// <summary>
/// The columns a list may be sorted on, each an expression EF turns into ORDER BY, plus the default order and a tie-break
/// (the id) so that pages never repeat or skip a row when the sort column has equal values.
/// </summary>
public sealed class SortKeys<T>(Func<IQueryable<T>, IOrderedQueryable<T>> defaultOrder, Func<IOrderedQueryable<T>, IOrderedQueryable<T>> tieBreak)
{
    private readonly Dictionary<string, Func<IQueryable<T>, bool, IOrderedQueryable<T>>> keys = new(StringComparer.Ordinal);

    public SortKeys<T> Add<TKey>(string name, Expression<Func<T, TKey>> key)
    {
        keys[name] = (query, descending) => descending ? query.OrderByDescending(key) : query.OrderBy(key);
        return this;
    }

    public IQueryable<T> Apply(IQueryable<T> query, PageRequest request)
        => request.SortBy is { } name && keys.TryGetValue(name, out var sort) ? tieBreak(sort(query, request.Descending)) : defaultOrder(query);
}

public static class PageQueryExtensions
{
    /// <summary>COUNT, then ORDER BY ... LIMIT/OFFSET in the database: only the page's rows are read.</summary>
    public static async Task<PageOf<T>> ToPageAsync<T>(this IQueryable<T> query, PageRequest request, SortKeys<T> sort, CancellationToken ct = default)
    {
        var total = await query.CountAsync(ct);
        var items = await Window(query, request, sort).ToListAsync(ct);
        return new PageOf<T>(items, total);
    }

    /// <summary>
    /// The same page over rows already in memory (a snapshot that is not in the database, like the rule files), with
    /// the same <see cref="SortKeys{T}"/>, so there is one way to page and sort whatever the source.
    /// </summary>
    public static PageOf<T> ToPage<T>(this IEnumerable<T> source, PageRequest request, SortKeys<T> sort)
    {
        var query = source.AsQueryable();
        var total = query.Count();
        var items = Window(query, request, sort).ToList();
        return new PageOf<T>(items, total);
    }

    // The page's rows in their order: at most 1,000 at once whatever a caller asks for.
    private static IQueryable<T> Window<T>(IQueryable<T> query, PageRequest request, SortKeys<T> sort)
        => sort.Apply(query, request).Skip(Math.Max(0, request.Skip)).Take(Math.Clamp(request.Take, 1, 1000));
}
