using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OrthancPortal.Infrastructure.Database.PostgresMigrations
{
    /// <inheritdoc />
    public partial class Shares : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Shares",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedByUserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedByUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    AllowDownload = table.Column<bool>(type: "boolean", nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    RevokedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    OpenCount = table.Column<int>(type: "integer", nullable: false),
                    LastOpenedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Shares", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Shares_AspNetUsers_CreatedByUserId",
                        column: x => x.CreatedByUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ShareStudies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ShareId = table.Column<long>(type: "bigint", nullable: false),
                    OrthancStudyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StudyInstanceUid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Label = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareStudies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareStudies_Shares_ShareId",
                        column: x => x.ShareId,
                        principalTable: "Shares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Shares_CreatedByUserId",
                table: "Shares",
                column: "CreatedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_Shares_TokenHash",
                table: "Shares",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ShareStudies_ShareId_OrthancStudyId",
                table: "ShareStudies",
                columns: new[] { "ShareId", "OrthancStudyId" },
                unique: true);

            // The new Share permission for the built-in roles of an existing database (a new one gets it from the seeder).
            migrationBuilder.Sql("""
                INSERT INTO "AspNetRoleClaims" ("RoleId", "ClaimType", "ClaimValue")
                SELECT "Id", 'portal:permission', 'Share' FROM "AspNetRoles" WHERE "Name" IN ('Admin', 'User')
                AND NOT EXISTS (SELECT 1 FROM "AspNetRoleClaims" c WHERE c."RoleId" = "AspNetRoles"."Id" AND c."ClaimType" = 'portal:permission' AND c."ClaimValue" = 'Share');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DELETE FROM "AspNetRoleClaims" WHERE "ClaimType" = 'portal:permission' AND "ClaimValue" = 'Share';""");
            migrationBuilder.DropTable(
                name: "ShareStudies");

            migrationBuilder.DropTable(
                name: "Shares");
        }
    }
}
