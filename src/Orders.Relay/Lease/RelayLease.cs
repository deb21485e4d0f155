using System.Diagnostics;

namespace Orders.Relay.Lease;

/// <summary>
/// Whether this relay holds the publishing lease (readable by health checks). Any number of relays may run with the
/// same <c>Relay:Name</c>; only the holder publishes, and it counts as holding the lease only while its last renewal is
/// recent enough that no standby can have taken the lease over.
/// </summary>
public sealed class RelayLease
{
    // A holder stops trusting a renewal well before the database lets a standby take over, so clocks that run at
    // slightly different rates, and the time between sending a renewal and the database stamping it, stay covered.
    private const double TrustedShare = 0.8;

    private long epoch;
    private long renewedAt;
    private long trustedUntil;

    internal RelayLease(TimeSpan duration)
    {
        Duration = duration;
        RenewInterval = duration / 5;
    }

    /// <summary>How this relay names itself in <c>outbox_relay_position.lease_holder</c>.</summary>
    public string HolderId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>True while this relay holds the lease and may publish.</summary>
    public bool IsHeld => Volatile.Read(ref epoch) > 0 && Stopwatch.GetTimestamp() < Volatile.Read(ref trustedUntil);

    /// <summary>The lease's epoch while held (it grows with every takeover), otherwise 0.</summary>
    public long Epoch => Volatile.Read(ref epoch);

    /// <summary>When this relay last took the lease over, or null while it is a standby.</summary>
    public DateTimeOffset? HeldSince { get; private set; }

    /// <summary>How long a lease lasts in the database after its last renewal.</summary>
    public TimeSpan Duration { get; }

    /// <summary>How often the holder renews, and how often a standby tries to take over.</summary>
    public TimeSpan RenewInterval { get; }

    /// <summary>True when the holder should renew before it produces anything else.</summary>
    internal bool RenewalDue => Stopwatch.GetElapsedTime(Volatile.Read(ref renewedAt)) >= RenewInterval;

    /// <summary>How long until the next renewal is due (zero if it is due now).</summary>
    internal TimeSpan UntilRenewalDue
    {
        get
        {
            var left = RenewInterval - Stopwatch.GetElapsedTime(Volatile.Read(ref renewedAt));
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Takes the lease over; <paramref name="sentAt"/> is when the winning statement was sent.</summary>
    internal void Acquired(long newEpoch, long sentAt)
    {
        HeldSince = DateTimeOffset.UtcNow;
        Renewed(sentAt);
        Volatile.Write(ref epoch, newEpoch);
    }

    /// <summary>
    /// Extends the lease from <paramref name="sentAt"/>, the moment the renewing statement was sent: the database
    /// stamps its expiry later than that, so the holder's own deadline always comes first.
    /// </summary>
    internal void Renewed(long sentAt)
    {
        Volatile.Write(ref renewedAt, sentAt);
        Volatile.Write(ref trustedUntil, sentAt + (long)(Duration.TotalSeconds * TrustedShare * Stopwatch.Frequency));
    }

    internal void Lost()
    {
        Volatile.Write(ref epoch, 0);
        HeldSince = null;
    }
}
