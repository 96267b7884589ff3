using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthancPortal.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class WorkCulture : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Culture",
                table: "Tasks",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Culture",
                table: "BurnerJobs",
                type: "TEXT",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Culture",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Culture",
                table: "BurnerJobs");
        }
    }
}
