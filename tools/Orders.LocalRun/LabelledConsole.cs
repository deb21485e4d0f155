namespace Orders.LocalRun;

/// <summary>Writes every process's lines to the terminal behind a coloured, fixed-width label.</summary>
internal static class LabelledConsole
{
    private static readonly Lock Gate = new();

    private static readonly Dictionary<string, ConsoleColor> Colours = new()
    {
        ["local"] = ConsoleColor.White,
        ["api"] = ConsoleColor.Cyan,
        ["processor"] = ConsoleColor.Magenta,
        ["relay"] = ConsoleColor.Yellow,
        ["demo"] = ConsoleColor.Green,
    };

    public static void Write(string label, string line)
    {
        lock (Gate)
        {
            Console.ForegroundColor = Colours.GetValueOrDefault(label, ConsoleColor.Gray);
            Console.Write($"[{label,-9}] ");
            Console.ResetColor();
            Console.WriteLine(line);
        }
    }
}
