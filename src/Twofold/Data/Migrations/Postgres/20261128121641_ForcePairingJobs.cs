using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Twofold.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ForcePairingJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ForcePairingJobs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OperatorId = table.Column<int>(type: "integer", nullable: false),
                    RequestedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Cursor = table.Column<Guid>(type: "uuid", nullable: true),
                    TotalUsers = table.Column<int>(type: "integer", nullable: false),
                    ProcessedUsers = table.Column<int>(type: "integer", nullable: false),
                    MailsQueued = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ForcePairingJobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ForcePairingJobs_Operators_OperatorId",
                        column: x => x.OperatorId,
                        principalTable: "Operators",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_OperatorId_Id",
                table: "AspNetUsers",
                columns: new[] { "OperatorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ForcePairingJobs_OperatorId",
                table: "ForcePairingJobs",
                column: "OperatorId");

            migrationBuilder.CreateIndex(
                name: "IX_ForcePairingJobs_State_OperatorId",
                table: "ForcePairingJobs",
                columns: new[] { "State", "OperatorId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ForcePairingJobs");

            migrationBuilder.DropIndex(
                name: "IX_AspNetUsers_OperatorId_Id",
                table: "AspNetUsers");
        }
    }
}
