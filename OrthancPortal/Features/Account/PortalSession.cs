using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Account;

/// <summary>
/// One signed-in session. The sign-in cookie holds only a random key; the ticket (the user's claims) lives here,
/// so deleting the row ends the session at once, on every portal process that shares the database.
/// </summary>
public sealed class PortalSession
{
    /// <summary>SHA-256 (hex) of the cookie's key: a copy of the database alone does not give usable cookies.</summary>
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    /// <summary>LastSeenAt plus the idle timeout: from then on the session is over.</summary>
    public DateTime ExpiresAt { get; set; }
    /// <summary>The authentication ticket, serialized with <c>TicketSerializer</c>.</summary>
    public byte[] Ticket { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<PortalSession>
    {
        public void Configure(EntityTypeBuilder<PortalSession> e)
        {
            e.ToTable("PortalSessions");
            e.Property(x => x.Id).HasMaxLength(64);
            e.HasIndex(x => x.UserId);
            e.HasIndex(x => x.ExpiresAt);
            // Deleting a user ends its sessions.
            e.HasOne<PortalUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}
