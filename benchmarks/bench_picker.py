"""Picker scale: 10,000 videos in the picker (the app's VideoListModel, filter proxy, tile delegate and
thumbnail cache in a QListView the size it has in the window), next to a plain QStringListModel of
10,000 titles in the same QListView.

Three timings for the app, since "loading 10,000 videos" is three different things:
* first page painted: GET /videos (the app's page size) to the first tiles on screen, what a user sees;
* all pages over HTTP: every page fetched one after the other until the list is exhausted, then painted
  (the picker pages lazily as the user scrolls, so nobody waits for this at once);
* in memory: the 10,000 videos already parsed, model filled in one go to the first paint after that
  (the app's share of the work, the figure recorded as ``first_paint_ms``; the baseline does the same).
Then a scroll through all rows, one viewport per step with a paint each (thumbnails load as they
would), and the RSS growth of the whole run over the empty picker.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from benchmarks.common import SimProcess, TOKEN, qt_run, record, rss_mb, table

VIDEOS = int(os.environ.get("PICKER_VIDEOS", 10_000))
SIZE = (480, 640)   # about what the picker gets in the 1480x920 window
SIM = dict(seed_videos=VIDEOS, accounts=[{"email": "a@example.com", "max_jobs": 3, "credits": 1000}],
           token=TOKEN, render_eagerly=False)


def progress(text: str) -> None:
    if os.environ.get("BENCH_VERBOSE"):
        print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


class PaintProbe:
    """Resolves when the view's viewport has finished its next paint (the probe sees the Paint event
    arrive; a zero timer posted from there fires once the paint is done)."""

    def __init__(self, view) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        probe = self

        class Filter(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint and probe.future is not None and not probe.seen:
                    probe.seen = True
                    QTimer.singleShot(0, probe._done)
                return False

        self.view = view
        self.filter = Filter()
        view.viewport().installEventFilter(self.filter)
        self.future: asyncio.Future | None = None
        self.seen = False

    def _done(self) -> None:
        if self.future is not None and not self.future.done():
            self.future.set_result(time.perf_counter())

    def arm(self) -> asyncio.Future:
        self.future = asyncio.get_running_loop().create_future()
        self.seen = False
        self.view.viewport().update()
        return self.future


async def scroll_through(view, with_loop: bool = True) -> dict:
    """One viewport per step, painted at once; the loop runs between steps (thumbnail fetches)."""
    bar = view.verticalScrollBar()
    bar.setValue(0)
    steps, frames = 0, []
    started = time.perf_counter()
    while True:
        t = time.perf_counter()
        view.viewport().repaint()
        frames.append(time.perf_counter() - t)
        steps += 1
        if with_loop:
            await asyncio.sleep(0)
        if bar.value() >= bar.maximum():
            break
        bar.setValue(bar.value() + view.viewport().height())
    total = time.perf_counter() - started
    frames.sort()
    return {"scroll_s": total, "steps": steps, "frame_ms_median": 1000 * frames[len(frames) // 2],
            "frame_ms_max": 1000 * frames[-1]}


def configure(view) -> None:
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QListView

    from pixverse_desktop.ui.video_delegate import TILE

    view.setViewMode(QListView.ViewMode.IconMode)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setMovement(QListView.Movement.Static)
    view.setUniformItemSizes(True)
    view.setGridSize(QSize(TILE.width() + 2, TILE.height() + 2))
    view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)


async def baseline(titles: list[str], size) -> dict:
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QListView

    view = QListView()
    configure(view)
    view.resize(size)
    view.show()
    probe = PaintProbe(view)
    await probe.arm()
    rss0 = rss_mb()
    started = time.perf_counter()
    model = QStringListModel(titles)
    view.setModel(model)
    painted = await probe.arm()
    fill_ms = 1000 * (painted - started)
    scroll = await scroll_through(view)
    result = {"fill_paint_ms": fill_ms, "rss_growth_mb": rss_mb() - rss0, **scroll}
    view.close()
    view.setModel(None)
    view.deleteLater()
    await asyncio.sleep(0.05)
    return result


async def app_picker(base_url: str) -> dict:
    from pixverse_desktop.api import PixverseClient, make_http_client
    from pixverse_desktop.media.thumbnails import ThumbnailCache
    from pixverse_desktop.ui.video_delegate import tile_shape
    from pixverse_desktop.ui.main_window import WindowServices
    from pixverse_desktop.ui.video_list_model import VideoListModel
    from pixverse_desktop.ui.video_picker import VideoPicker

    page_size = WindowServices.page_size
    async with make_http_client() as http:
        client = PixverseClient(base_url, lambda: TOKEN, http)
        thumbs = ThumbnailCache(http, os.path.join(os.environ["PIXVERSE_DESKTOP_HOME"], "thumbs"),
                                tile=tile_shape())   # as the app builds it
        fetched: list = []

        async def fetch(email, limit, offset):
            page = await client.list_videos(email, limit=limit, offset=offset)
            fetched.extend(page)
            return page

        model = VideoListModel(fetch, thumbs, page_size=page_size)
        picker = VideoPicker(model)
        picker.resize(*SIZE)
        picker.show()
        probe = PaintProbe(picker.view)
        await probe.arm()
        await client.accounts()   # the connection is open, as in the app after start-up
        rss0 = rss_mb()

        # 1. over HTTP: the first page painted, then every page one after the other.
        started = time.perf_counter()
        model.set_account("a@example.com")
        await model.wait_idle()
        first_page_ms = 1000 * (await probe.arm() - started)
        progress(f"first page painted after {first_page_ms:.0f} ms")
        while model.canFetchMore():
            model.fetchMore()
            await model.wait_idle()
        http_all_ms = 1000 * (await probe.arm() - started)
        pages = -(-model.rowCount() // page_size)
        rss_http = rss_mb()
        progress(f"{model.rowCount()} rows over HTTP in {http_all_ms:.0f} ms")

        # 2. in memory: the same 10,000 videos, parsed already, filled in one page.
        videos = list(fetched)

        async def from_memory(email, limit, offset):
            return videos[offset:offset + limit]

        http_model = model   # kept alive until the end: the proxy must let go of it first
        model = VideoListModel(from_memory, thumbs, page_size=len(videos) + 1)   # empty, like the first
        picker.proxy.setSourceModel(model)
        picker.model = model
        await probe.arm()
        started = time.perf_counter()
        model.set_account("a@example.com")
        await model.wait_idle()
        painted = await probe.arm()
        memory_ms = 1000 * (painted - started)
        progress(f"in memory: {model.rowCount()} rows filled and painted in {memory_ms:.0f} ms")

        # 3. scroll through every row.
        scroll = await scroll_through(picker.view)
        progress(f"scrolled through in {scroll['scroll_s']:.1f} s")
        await asyncio.sleep(1.0)   # let the thumbnails asked for land (they count towards memory)
        rss_end = rss_mb()
        result = {"rows": model.rowCount(), "page_size": page_size, "pages": pages,
                  "first_page_ms": first_page_ms, "http_all_ms": http_all_ms, "fill_paint_ms": memory_ms,
                  "rss_growth_mb": max(rss_http, rss_end) - rss0, "rss_after_http_mb": rss_http - rss0,
                  "thumbnail_fetches": thumbs.network_fetches, "view_size": picker.view.size(), **scroll}
        # Tear down in Qt's order: the view lets go of the proxy, the proxy of the models, then the
        # widgets go (deleteLater, on the loop), never Python's garbage collection at exit.
        picker.close()
        await thumbs.aclose()
        picker.view.setModel(None)
        picker.proxy.setSourceModel(None)
        picker.deleteLater()
        await asyncio.sleep(0.05)
        del http_model
    return result


async def run(qapp, base_url: str) -> dict:
    titles = [f"Sample video {i}: a paper boat drifting down a rain-soaked street" for i in range(VIDEOS)]
    app = await app_picker(base_url)
    base = await baseline(titles, app.pop("view_size"))   # the same viewport as the picker's list
    progress(f"baseline: {base}")
    return {"app": app, "baseline": base}


def main() -> dict:
    with SimProcess(nice=10, **SIM) as sim:
        result = qt_run(lambda qapp: run(qapp, sim.base_url), timeout=300)
    app, base = result["app"], result["baseline"]
    table(f"Picker scale: {app['rows']} videos ({SIZE[0]}x{SIZE[1]} view; baseline: QStringListModel)", [
        ("first page painted (ms)", f"{app['first_page_ms']:.0f}", "-"),
        (f"all {app['pages']} pages over HTTP (ms)", f"{app['http_all_ms']:.0f}", "-"),
        ("in memory: fill + paint (ms)", f"{app['fill_paint_ms']:.0f}", f"{base['fill_paint_ms']:.0f}"),
        ("scroll through (s)", f"{app['scroll_s']:.2f}", f"{base['scroll_s']:.2f}"),
        ("  steps", str(app["steps"]), str(base["steps"])),
        ("  paint per step, median (ms)", f"{app['frame_ms_median']:.1f}", f"{base['frame_ms_median']:.1f}"),
        ("  paint per step, max (ms)", f"{app['frame_ms_max']:.1f}", f"{base['frame_ms_max']:.1f}"),
        ("RSS growth (MB)", f"{app['rss_growth_mb']:.1f}", f"{base['rss_growth_mb']:.1f}"),
    ])
    print(f"  ({app['thumbnail_fetches']} thumbnails fetched while scrolling; the app's page size is "
          f"{app['page_size']})")
    print("  target: <= 300 ms to first paint (in memory), memory growth <= 100 MB")
    values = {"first_paint_ms": round(app["fill_paint_ms"], 1), "mem_growth_mb": round(app["rss_growth_mb"], 1)}
    if VIDEOS == 10_000:
        record("picker", values, {"app": app, "baseline": base})
    return values


if __name__ == "__main__":
    main()
