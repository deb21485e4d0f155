using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orders.Processor.Data.Migrations
{
    /// <summary>
    /// Timeouts become rows of <c>fulfilment.scheduled_timeout</c>, written in the saga's transaction, instead of one Quartz
    /// job each. Timeouts still pending as Quartz jobs (group <c>fulfilment-timeouts</c>) are moved over with their token
    /// id and next fire time, so none is lost by the upgrade; the Quartz store stays for the clock job.
    /// </summary>
    public partial class AddScheduledTimeout : Migration
    {
        // The old ScheduledMessageJob's data: {"message-type": CLR name, "message": JSON text, "token-id": uuid}.
        private const string MoveQuartzTimeouts = """
            INSERT INTO fulfilment.scheduled_timeout (token_id, correlation_id, message_type, message, due_at, attempts)
            SELECT j.job_name::uuid,
                   ((d.data ->> 'message')::jsonb ->> 'OrderId')::uuid,
                   d.data ->> 'message-type',
                   (d.data ->> 'message')::jsonb,
                   coalesce(to_timestamp((t.next_fire_time - 621355968000000000) / 1e7), now()),
                   0
            FROM fulfilment.qrtz_job_details j
            JOIN fulfilment.qrtz_triggers t USING (sched_name, job_name, job_group)
            CROSS JOIN LATERAL (SELECT convert_from(j.job_data, 'UTF8')::jsonb AS data) d
            WHERE j.job_group = 'fulfilment-timeouts';
            DELETE FROM fulfilment.qrtz_fired_triggers WHERE trigger_group = 'fulfilment-timeouts';
            DELETE FROM fulfilment.qrtz_simple_triggers WHERE trigger_group = 'fulfilment-timeouts';
            DELETE FROM fulfilment.qrtz_triggers WHERE trigger_group = 'fulfilment-timeouts';
            DELETE FROM fulfilment.qrtz_job_status WHERE job_group = 'fulfilment-timeouts';
            DELETE FROM fulfilment.qrtz_job_details WHERE job_group = 'fulfilment-timeouts';
            """;

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

            migrationBuilder.Sql(MoveQuartzTimeouts);
        }

        /// <summary>Drops the table and every timeout still in it: pending timeouts are not moved back to Quartz.</summary>
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scheduled_timeout",
                schema: "fulfilment");
        }
    }
}
