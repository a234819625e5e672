import random
from datetime import datetime, timezone

import pytest

from pixverse_desktop.api.schemas import ExtendRequest, Video
from pixverse_desktop.jobs import backoff
from pixverse_desktop.jobs.downloads import DownloadError, result_file_name, safe_target, slug
from pixverse_desktop.jobs.models import Job, JobState
from pixverse_desktop.jobs.poller import job_from_video
from pixverse_desktop.jobs.reconcile import CLOCK_SKEW_S, match_submissions


def test_busy_delay_is_10_to_30_seconds_unless_retry_after():
    rng = random.Random(1)
    delays = [backoff.busy_delay(rng) for _ in range(500)]
    assert min(delays) >= 10 and max(delays) <= 30 and max(delays) - min(delays) > 15
    assert backoff.busy_delay(rng, retry_after=4) == 4


def test_transient_delay_grows_and_is_capped():
    rng = random.Random(2)
    assert backoff.transient_delay(1, rng) <= 1.0
    assert 8 <= backoff.transient_delay(5, rng) <= 16
    assert all(16 <= backoff.transient_delay(n, rng) <= 32 for n in range(6, 40))


def test_poll_interval_adapts():
    assert backoff.poll_interval(1, 2, 20) == 2
    assert backoff.poll_interval(100, 2, 20) == 10
    assert backoff.poll_interval(10_000, 2, 20) == 20


def video(n, prompt="p", created=1000.0, **kw):
    return Video(video_id=f"user:1-pixverse:a@x.io-video:{n}", prompt=prompt,
                 created_at=datetime.fromtimestamp(created, timezone.utc), **kw)


def job(id, prompt="p", sent=1000.0, **req):
    return Job(id=id, request=ExtendRequest(prompt=prompt, video_id="user:1-pixverse:a@x.io-video:1", **req),
               state=JobState.SUBMITTING, created_at=sent, submitted_at=sent, account="a@x.io")


def test_reconcile_pairs_one_to_one_in_order():
    jobs = [job("j1", sent=1000), job("j2", sent=1001)]
    videos = [video(11, created=1002), video(10, created=1001)]
    found = match_submissions(jobs, videos, owned=set())
    assert found["j1"].video_id.endswith(":10") and found["j2"].video_id.endswith(":11")


def test_reconcile_ignores_owned_old_and_different_videos():
    jobs = [job("j1", sent=5000, seed=7, quality="360p")]
    videos = [video(1, created=5000 - CLOCK_SKEW_S - 1),             # older than the send
              video(2, created=5001, seed=8),                       # another seed
              video(3, created=5001, quality="540p"),                # another quality
              video(4, prompt="other", created=5001),                 # another prompt
              video(5, created=5001)]                                # owned by another job
    assert match_submissions(jobs, videos, owned={videos[-1].video_id}) == {}
    assert match_submissions(jobs, [video(6, created=5002, seed=7, quality="360p")], set())["j1"]


def test_job_from_video_maps_statuses():
    base = job("j").evolve(state=JobState.QUEUED, video_id="v")
    done = job_from_video(base, Video(video_id="v", status_code=1, url="http://m/x.mp4", output_width=960,
                                      output_height=540, video_duration=10), now=9.0)
    assert done.state is JobState.COMPLETED and done.result_url == "http://m/x.mp4" and done.width == 960
    assert done.finished_at == 9.0
    failed = job_from_video(base, Video(video_id="v", status_code=8), now=9.0)
    assert failed.state is JobState.FAILED and "could not generate" in failed.message
    assert "credit" not in failed.message   # the API says nothing of refunds: no promise made
    moderated = job_from_video(base, Video(video_id="v", status_code=7), now=9.0)
    assert moderated.state is JobState.FAILED and "moderator" in moderated.message
    gen = job_from_video(base, Video(video_id="v", status_code=10), now=9.0)
    assert gen.state is JobState.GENERATING
    unknown = job_from_video(gen, Video(video_id="v", status_code=3), now=9.0)
    assert unknown.state is JobState.GENERATING and unknown.status_label == "unknown (3)"
    assert "unknown (3)" in unknown.message
    assert job_from_video(unknown, Video(video_id="v", status_code=3), now=10.0) is unknown


def test_queued_is_not_final_whatever_the_service_says():
    base = job("j").evolve(state=JobState.QUEUED, video_id="v")
    queued = job_from_video(base, Video(video_id="v", status_code=5, status_final=True), now=1.0)
    assert queued.state is JobState.QUEUED and not queued.state.is_final


@pytest.mark.parametrize("prompt", ["../../etc/passwd", "/abs/path", "C:\\win\\sys", "ünïcødé 🎬 café",
                                    "..", "", "a" * 500, "con", "\x00nul"])
def test_file_names_never_escape_the_library(tmp_path, prompt):
    name = result_file_name(prompt, "user:1-pixverse:a@x.io-video:42")
    assert "/" not in name and "\\" not in name and name.endswith("-42.mp4") and len(name) < 80
    assert safe_target(tmp_path, name).parent == tmp_path.resolve()


def test_safe_target_refuses_escapes(tmp_path):
    for evil in ("..", ".", ""):
        with pytest.raises(DownloadError):
            safe_target(tmp_path, evil)
    assert safe_target(tmp_path, "../x.mp4").parent == tmp_path.resolve()  # only the name is kept


def test_slug():
    assert slug("A cat, jumping!  ") == "a-cat-jumping"
    assert slug("日本語") == "video"


def test_an_expected_duration_times_the_first_polls_until_one_is_learned(tmp_path):
    """With a prior (demo mode: the simulator's clock) a young job is polled when it is due, at most
    every poll_max_s; without one, by a tenth of its age. A learned duration replaces the prior."""
    from pixverse_desktop.jobs.engine import EngineConfig, JobEngine
    from pixverse_desktop.jobs.poller import AccountPoller
    from pixverse_desktop.jobs.store import JobStore

    now = 1_000_000.0
    job = Job(id="j", request=ExtendRequest(prompt="p", video_id="v"), state=JobState.GENERATING,
              accepted_at=now - 20.0, created_at=now - 20.0, account="a@x.io")

    def next_poll(expected):
        engine = JobEngine(client=None, store=JobStore.open(tmp_path / str(expected)),
                           config=EngineConfig(poll_min_s=0.5, poll_max_s=5.0, expected_job_s=expected))
        poller = AccountPoller(engine, "a@x.io")
        poller._last_poll = now
        return engine, poller._next_poll_at([job], now) - now

    engine, without = next_poll(None)
    assert without == pytest.approx(2.0)              # a tenth of 20 s of age
    engine, due_later = next_poll(3600.0)
    assert due_later == pytest.approx(5.0)            # not due for an hour: the ceiling
    engine, due_soon = next_poll(21.0)
    assert due_soon == pytest.approx(1.0)             # due in a second
    engine._typical["a@x.io"] = 100.0
    assert engine.typical_duration("a@x.io") == 100.0 and engine.typical_duration("b@x.io") == 21.0


def test_an_overdue_job_is_polled_soon_however_often_the_poller_wakes(tmp_path):
    """The poller's loop recomputes its next poll at every wake-up (short waits while the job is
    overdue). That time moved with the clock, so it was never reached, and an overdue job was first
    polled poll_max_s after the last poll: results showed ~9 s after they were ready (new-user pass)."""
    from pixverse_desktop.jobs.engine import EngineConfig, JobEngine
    from pixverse_desktop.jobs.poller import AccountPoller
    from pixverse_desktop.jobs.store import JobStore

    start = 1_000_000.0
    overdue = Job(id="j", request=ExtendRequest(prompt="p", video_id="v"), state=JobState.GENERATING,
                  accepted_at=start, created_at=start, account="a@x.io")
    engine = JobEngine(client=None, store=JobStore.open(tmp_path),
                       config=EngineConfig(poll_min_s=2.0, poll_max_s=20.0, expected_job_s=11.0))
    poller = AccountPoller(engine, "a@x.io")
    poller._last_poll = start + 11.0         # polled when it was due: still generating
    now = start + 11.0
    while True:                              # the loop: wait until the poll is due, waking early at times
        delay = poller._next_poll_at([overdue], now) - now
        if delay <= 0:
            break
        now += min(delay, 0.3)
    assert now - (start + 11.0) == pytest.approx(2.0, abs=0.31)   # poll_min_s after the last poll, not 20 s


def test_a_poll_lets_the_event_loop_run_between_batches_of_job_updates():
    """Each update is a journal write and a table update; forty in one turn froze the window."""
    import asyncio

    from pixverse_desktop.jobs.engine import EngineConfig
    from pixverse_desktop.jobs.poller import YIELD_EVERY, AccountPoller

    active = [job(f"j{i}").evolve(state=JobState.QUEUED, video_id=f"v{i}", accepted_at=0.0) for i in range(20)]
    turn, applied = [0], []

    class Client:
        async def list_videos(self, email, limit, only):
            return [Video(video_id=f"v{i}", status_code=1, url="http://m/x.mp4") for i in range(20)]

    class Engine:
        config, client = EngineConfig(), Client()
        parked_reason = staticmethod(lambda email: None)
        clock = staticmethod(lambda: 1.0)
        get = staticmethod(lambda job_id: None)
        apply = staticmethod(lambda updated: applied.append((turn[0], updated.state)))

    async def main():
        async def spin():
            while True:
                turn[0] += 1
                await asyncio.sleep(0)

        spinner = asyncio.ensure_future(spin())
        await asyncio.sleep(0)
        assert await AccountPoller(Engine(), "a@example.com")._tick(active) is None
        spinner.cancel()

    asyncio.run(main())
    assert [state for _, state in applied] == [JobState.COMPLETED] * 20
    turns = [t for t, _ in applied]
    assert len(set(turns)) == -(-20 // YIELD_EVERY) and turns == sorted(turns)
