using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthancPortal.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class PortalInstance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PortalInstance",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalInstance", x => x.Id);
                });

            // A random id for this database, made once at creation: work files (spools, export archives) live under it.
            migrationBuilder.Sql("INSERT INTO \"PortalInstance\" (\"Id\", \"InstanceId\") VALUES (1, lower(hex(randomblob(16))));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PortalInstance");
        }
    }
}
