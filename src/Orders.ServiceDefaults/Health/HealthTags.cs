namespace Orders.ServiceDefaults.Health;

/// <summary>Tags that place a health check on an endpoint.</summary>
public static class HealthTags
{
    /// <summary>Checks run by <c>/health/ready</c>: the deployable can do its work now.</summary>
    public const string Ready = "ready";
}
