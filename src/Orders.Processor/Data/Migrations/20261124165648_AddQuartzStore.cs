using System.Reflection;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orders.Processor.Data.Migrations
{
    /// <summary>
    /// The Quartz 4.7.3 job store in <c>fulfilment.qrtz_*</c>, from QuartzStore.sql. Created by a migration rather than
    /// Quartz's start-up provisioning so it is versioned, deployed like the saga table, and never raced by two nodes.
    /// </summary>
    public partial class AddQuartzStore : Migration
    {
        private static readonly string[] Tables =
        [
            "qrtz_blob_triggers", "qrtz_cron_triggers", "qrtz_simple_triggers", "qrtz_simprop_triggers", "qrtz_triggers",
            "qrtz_job_details", "qrtz_calendars", "qrtz_execution_history", "qrtz_fired_triggers", "qrtz_job_status",
            "qrtz_locks", "qrtz_misfire_history", "qrtz_paused_job_grps", "qrtz_paused_trigger_grps", "qrtz_scheduler_state",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("QuartzStore.sql")
                ?? throw new InvalidOperationException("The QuartzStore.sql resource is missing.");
            using var reader = new StreamReader(stream);
            migrationBuilder.Sql(reader.ReadToEnd());
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Tables)
            {
                migrationBuilder.Sql($"DROP TABLE fulfilment.{table};");
            }
        }
    }
}
