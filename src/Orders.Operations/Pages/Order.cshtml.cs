using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Orders.Operations.Repairs;
using Orders.Operations.Timeline;

namespace Orders.Operations.Pages;

/// <summary>One order's timeline and the repairs that apply to it.</summary>
public sealed class OrderModel(OrderTimelineQuery query, ParkedOrderRedrive redrive, TimeoutRetry timeoutRetry, DeadLetterReplay replay)
    : PageModel
{
    public OrderTimeline Timeline { get; private set; } = null!;

    public async Task OnGetAsync(Guid id, CancellationToken cancellationToken) => Timeline = await query.LoadAsync(id, cancellationToken);

    public async Task<IActionResult> OnPostRedriveAsync(Guid id, CancellationToken cancellationToken) =>
        Report(await redrive.RedriveAsync(id, cancellationToken));

    public async Task<IActionResult> OnPostRetryTimeoutAsync(Guid id, Guid token, CancellationToken cancellationToken) =>
        Report(await timeoutRetry.RetryAsync(id, token, cancellationToken));

    public async Task<IActionResult> OnPostReplayAsync(int partition, long offset, CancellationToken cancellationToken) =>
        Report(await replay.ReplayAsync(partition, offset, cancellationToken));

    private RedirectToPageResult Report(RepairResult result)
    {
        TempData["Message"] = result.Message;
        TempData["Succeeded"] = result.Succeeded;
        return RedirectToPage();
    }
}
