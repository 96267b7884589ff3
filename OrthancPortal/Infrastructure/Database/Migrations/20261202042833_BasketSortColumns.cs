using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthancPortal.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class BasketSortColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Accession",
                table: "BasketItems",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "BasketItems",
                type: "TEXT",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Modalities",
                table: "BasketItems",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PatientId",
                table: "BasketItems",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PatientName",
                table: "BasketItems",
                type: "TEXT",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "StudyCount",
                table: "BasketItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StudyDate",
                table: "BasketItems",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Accession",
                table: "BasketItems");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "BasketItems");

            migrationBuilder.DropColumn(
                name: "Modalities",
                table: "BasketItems");

            migrationBuilder.DropColumn(
                name: "PatientId",
                table: "BasketItems");

            migrationBuilder.DropColumn(
                name: "PatientName",
                table: "BasketItems");

            migrationBuilder.DropColumn(
                name: "StudyCount",
                table: "BasketItems");

            migrationBuilder.DropColumn(
                name: "StudyDate",
                table: "BasketItems");
        }
    }
}
