using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orders.Processor.Data.Migrations
{
    /// <summary>
    /// Timeouts whose delivery keeps failing end in <c>fulfilment.dead_timeout</c> instead of being retried forever, and
    /// <c>fulfilment.retry_dead_timeout(token_id)</c> lets an operator (or the operations page) send one back to
    /// <c>fulfilment.scheduled_timeout</c>, due at once with its attempts reset; it answers whether there was one.
    /// </summary>
    public partial class AddDeadTimeout : Migration
    {
        private const string CreateRetryFunction = """
            CREATE FUNCTION fulfilment.retry_dead_timeout(dead_token_id uuid) RETURNS boolean LANGUAGE sql AS $$
                WITH revived AS (DELETE FROM fulfilment.dead_timeout WHERE token_id = dead_token_id RETURNING *),
                     scheduled AS (
                         INSERT INTO fulfilment.scheduled_timeout
                             (token_id, correlation_id, message_type, message, due_at, attempts, last_error, created_at)
                         SELECT token_id, correlation_id, message_type, message, now(), 0, last_error, created_at FROM revived
                         RETURNING 1)
                SELECT count(*) > 0 FROM scheduled
            $$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "dead_timeout",
                schema: "fulfilment",
                columns: table => new
                {
                    token_id = table.Column<Guid>(type: "uuid", nullable: false),
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_type = table.Column<string>(type: "text", nullable: false),
                    message = table.Column<string>(type: "jsonb", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    died_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dead_timeout", x => x.token_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_dead_timeout_correlation_id",
                schema: "fulfilment",
                table: "dead_timeout",
                column: "correlation_id");

            migrationBuilder.CreateIndex(
                name: "ix_dead_timeout_died_at",
                schema: "fulfilment",
                table: "dead_timeout",
                column: "died_at");

            migrationBuilder.Sql(CreateRetryFunction);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION fulfilment.retry_dead_timeout(uuid);");

            migrationBuilder.DropTable(
                name: "dead_timeout",
                schema: "fulfilment");
        }
    }
}
