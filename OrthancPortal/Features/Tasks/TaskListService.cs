using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Tasks;

/// <summary>The "My tasks" page's queries and actions. A user sees and acts on their own tasks; an admin on all.</summary>
public sealed class TaskListService(IDbContextFactory<PortalDbContext> dbFactory, TaskQueue queue, AuditLog audit)
{
    public async Task<IReadOnlyList<PortalTask>> ListAsync(string? ownerId, bool all, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Visible(db, ownerId, all).OrderByDescending(t => t.Id).Skip(skip).Take(take).ToListAsync(ct);
    }

    public async Task<int> CountAsync(string? ownerId, bool all, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Visible(db, ownerId, all).CountAsync(ct);
    }

    private static IQueryable<PortalTask> Visible(PortalDbContext db, string? ownerId, bool all)
    {
        var query = db.Set<PortalTask>().AsNoTracking();
        return all ? query : query.Where(t => t.OwnerId == ownerId);
    }

    public async Task<bool> CancelAsync(long id, string? userId, bool isAdmin)
    {
        if (!await MayActOnAsync(id, userId, isAdmin)) return false;
        var done = await queue.CancelAsync(id);
        if (done) await audit.WriteAsync("task.cancel", $"task:{id}");
        return done;
    }

    public async Task<bool> RetryAsync(long id, string? userId, bool isAdmin)
    {
        if (!await MayActOnAsync(id, userId, isAdmin)) return false;
        var done = await queue.RetryAsync(id);
        if (done) await audit.WriteAsync("task.retry", $"task:{id}");
        return done;
    }

    private async Task<bool> MayActOnAsync(long id, string? userId, bool isAdmin)
    {
        var task = await queue.GetAsync(id);
        return task is not null && (isAdmin || task.OwnerId == userId);
    }
}
