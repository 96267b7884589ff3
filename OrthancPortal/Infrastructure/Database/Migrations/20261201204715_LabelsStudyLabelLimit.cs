using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthancPortal.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class LabelsStudyLabelLimit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "StudyLabelLimit",
                table: "AspNetRoles",
                type: "TEXT",
                nullable: true);

            // The new Labels permission for the built-in roles of an existing database (a new one gets it from the seeder).
            migrationBuilder.Sql("""
                INSERT INTO "AspNetRoleClaims" ("RoleId", "ClaimType", "ClaimValue")
                SELECT "Id", 'portal:permission', 'Labels' FROM "AspNetRoles" WHERE "Name" IN ('Admin', 'User')
                AND NOT EXISTS (SELECT 1 FROM "AspNetRoleClaims" c WHERE c."RoleId" = "AspNetRoles"."Id" AND c."ClaimType" = 'portal:permission' AND c."ClaimValue" = 'Labels');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DELETE FROM "AspNetRoleClaims" WHERE "ClaimType" = 'portal:permission' AND "ClaimValue" = 'Labels';""");
            migrationBuilder.DropColumn(
                name: "StudyLabelLimit",
                table: "AspNetRoles");
        }
    }
}
