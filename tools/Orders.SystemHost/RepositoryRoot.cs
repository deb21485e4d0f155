namespace Orders.SystemHost;

public static class RepositoryRoot
{
    /// <summary>The folder holding Orders.sln, searched upwards from the working folder and then from this program.</summary>
    public static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Orders.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run this from the Orders checkout: Orders.sln was not found above the current folder.");
    }
}
