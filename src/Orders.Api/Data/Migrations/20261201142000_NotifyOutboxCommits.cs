using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orders.Api.Data.Migrations
{
    /// <summary>
    /// Wakes the relay when outbox rows commit: each transaction that inserts into <c>outbox</c> sends one
    /// notification on channel <c>outbox_committed</c> carrying its transaction id (the rows' <c>transaction_id</c>).
    /// PostgreSQL delivers it at commit and drops it on rollback. The table and its rows are unchanged, so the JDBC
    /// connector reads exactly what it read before.
    /// </summary>
    public partial class NotifyOutboxCommits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A statement trigger, not a row trigger: one notification per insert statement, and PostgreSQL folds
            // identical notifications of one transaction into one, so a transaction costs one queue entry at commit.
            migrationBuilder.Sql("""
                CREATE FUNCTION outbox_notify_committed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM pg_notify('outbox_committed', pg_current_xact_id()::text);
                  RETURN NULL;
                END $$;
                CREATE TRIGGER outbox_notify_committed AFTER INSERT ON outbox
                  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify_committed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER outbox_notify_committed ON outbox;
                DROP FUNCTION outbox_notify_committed();
                """);
        }
    }
}
