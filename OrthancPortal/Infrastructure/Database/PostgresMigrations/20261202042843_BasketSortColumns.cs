using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthancPortal.Infrastructure.Database.PostgresMigrations
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
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "BasketItems",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Modalities",
                table: "BasketItems",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PatientId",
                table: "BasketItems",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PatientName",
                table: "BasketItems",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "StudyCount",
                table: "BasketItems",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StudyDate",
                table: "BasketItems",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            // The empty default only fills the rows already there; the model has none, so new rows always say their values.
            foreach (var column in new[] { "Accession", "Description", "Modalities", "PatientId", "PatientName", "StudyDate" })
                migrationBuilder.Sql($"ALTER TABLE \"BasketItems\" ALTER COLUMN \"{column}\" DROP DEFAULT;");
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
