using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Orders.Operations.Attention;
using Orders.Operations.Lag;
using Orders.Operations.Repairs;
using Orders.Operations.Timeline;

namespace Orders.Operations.Pages;

/// <summary>The overview: find an order, the orders that need an operator, lag per stage and the dead letters.</summary>
public sealed class IndexModel(
    AttentionQuery attention, PipelineLagQuery lag, OrderTimelineQuery timeline, DeadLetterReplay replay) : PageModel
{
    public AttentionLists Attention { get; private set; } = null!;

    public PipelineLag Lag { get; private set; } = null!;

    public DeadLetterList DeadLetters { get; private set; } = null!;

    public string? SearchError { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? order, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(order))
        {
            if (Guid.TryParse(order.Trim(), out var orderId))
            {
                return RedirectToPage("/Order", new { id = orderId });
            }

            SearchError = $"'{order}' is not an order id (a GUID such as 3f2c8a4e-5b1d-4c6e-9f7a-2b8d1e0c4a6f).";
        }

        Attention = await attention.LoadAsync(cancellationToken);
        Lag = await lag.LoadAsync(cancellationToken);
        DeadLetters = await timeline.DeadLettersAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostReplayAsync(int partition, long offset, CancellationToken cancellationToken)
    {
        var result = await replay.ReplayAsync(partition, offset, cancellationToken);
        TempData["Message"] = result.Message;
        TempData["Succeeded"] = result.Succeeded;
        return RedirectToPage();
    }
}
