using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orders.Processor.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddScheduledTimeout : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scheduled_timeout",
                schema: "fulfilment",
                columns: table => new
                {
                    token_id = table.Column<Guid>(type: "uuid", nullable: false),
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_type = table.Column<string>(type: "text", nullable: false),
                    message = table.Column<string>(type: "jsonb", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scheduled_timeout", x => x.token_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_scheduled_timeout_correlation_id",
                schema: "fulfilment",
                table: "scheduled_timeout",
                column: "correlation_id");

            migrationBuilder.CreateIndex(
                name: "ix_scheduled_timeout_due_at",
                schema: "fulfilment",
                table: "scheduled_timeout",
                column: "due_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scheduled_timeout",
                schema: "fulfilment");
        }
    }
}
