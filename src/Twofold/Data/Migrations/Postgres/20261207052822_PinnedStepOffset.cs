using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Twofold.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PinnedStepOffset : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "StepOffsetPinned",
                table: "Authenticators",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "StepOffsetPinned",
                table: "Authenticators");
        }
    }
}
