using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthancPortal.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class SessionsAndRateLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PortalSessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Ticket = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PortalSessions_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RateLimitWindows",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    WindowStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    Refused = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RateLimitWindows", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PortalSessions_ExpiresAt",
                table: "PortalSessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_PortalSessions_UserId",
                table: "PortalSessions",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_RateLimitWindows_WindowStart",
                table: "RateLimitWindows",
                column: "WindowStart");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PortalSessions");

            migrationBuilder.DropTable(
                name: "RateLimitWindows");
        }
    }
}
