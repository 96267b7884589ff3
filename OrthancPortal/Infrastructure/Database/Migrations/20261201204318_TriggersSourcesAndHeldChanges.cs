using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthancPortal.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class TriggersSourcesAndHeldChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "RetryAt",
                table: "ChangeFeedCursors",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "HeldChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Subscriber = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Seq = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangeType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ResourceType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ResourceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ChangeDate = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    HeldAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HeldChanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RetrievedStudies",
                columns: table => new
                {
                    StudyInstanceUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Modality = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RetrievedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RetrievedStudies", x => x.StudyInstanceUid);
                });

            migrationBuilder.CreateIndex(
                name: "IX_HeldChanges_Subscriber_Seq",
                table: "HeldChanges",
                columns: new[] { "Subscriber", "Seq" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HeldChanges");

            migrationBuilder.DropTable(
                name: "RetrievedStudies");

            migrationBuilder.DropColumn(
                name: "RetryAt",
                table: "ChangeFeedCursors");
        }
    }
}
