"""The engine against the simulator: limits, back-off, account errors, faults during polling."""

from __future__ import annotations

import asyncio

import pytest

from pixverse_desktop.api import ExtendRequest
from pixverse_desktop.jobs.models import AccountProblem, JobChanged, JobState
from pixverse_desktop.simulator import AccountConfig


def charges(th):
    return th.call(lambda: list(th.sim.state.charges))


def test_fifty_jobs_on_two_accounts_never_exceed_max_jobs(sim_factory, harness, capsys):
    th = sim_factory([AccountConfig("a@example.com", max_jobs=2, credits=1000),
                      AccountConfig("b@example.com", max_jobs=3, credits=1000)])
    limits = {"a@example.com": 2, "b@example.com": 3}
    peak = {email: 0 for email in limits}

    async def main():
        async with harness(th) as h:
            def watch(event):
                if isinstance(event, JobChanged):
                    for email in limits:
                        running = sum(1 for j in h.engine.jobs() if j.account == email and j.state in
                                      (JobState.SUBMITTING, JobState.QUEUED, JobState.GENERATING))
                        peak[email] = max(peak[email], running)
            h.engine.subscribe(watch)
            sources = {email: await h.seed_video(email) for email in limits}
            start = h.client.request_count
            jobs = [h.engine.submit(ExtendRequest(prompt=f"job {i} on {email}", email=email, video_id=sources[email]))
                    for i in range(25) for email in limits]
            done = await h.wait_all_final(jobs, timeout=60)
            return done, h.client.request_count - start

    done, requests = asyncio.run(main())
    assert len(done) == 50 and all(j.state is JobState.COMPLETED for j in done)
    assert all(j.result_url.startswith("http://127.0.0.1") for j in done)
    assert peak == {"a@example.com": 2, "b@example.com": 3}
    statuses = th.call(lambda: [r.status for r in th.sim.state.requests])
    assert 429 not in statuses  # the local queue kept every account within its maxJobs
    assert len(charges(th)) == 50 and len({c.prompt for c in charges(th)}) == 50
    with capsys.disabled():
        print(f"\n  50 jobs: {requests} API requests ({requests / 50:.2f} per job)")


def test_a_429_storm_waits_for_a_slot_and_then_completes(sim_factory, harness):
    th = sim_factory()
    th.call(lambda: th.sim.state.faults.add("storm429", count=3))

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            job = h.engine.submit(ExtendRequest(prompt="storm", video_id=source))
            seen = []
            h.engine.subscribe(lambda e: isinstance(e, JobChanged) and seen.append(e.job))
            final = await h.engine.wait_final(job.id, timeout=30)
            return final, seen

    final, seen = asyncio.run(main())
    waiting = [j for j in seen if j.state is JobState.WAITING_SLOT]
    assert final.state is JobState.COMPLETED and final.attempts == 3
    assert waiting and "Waiting for a free slot" in waiting[0].message and "Next try at" in waiting[0].message
    assert waiting[0].next_try_at is not None
    assert len(charges(th)) == 1


def test_both_429_kinds_are_handled(sim_factory, harness):
    th = sim_factory()
    th.call(lambda: (th.sim.state.faults.add("storm429", count=1, busy=True),
                     th.sim.state.faults.add("storm429", count=1, busy=False)))

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            messages = []
            h.engine.subscribe(lambda e: isinstance(e, JobChanged) and e.job.state is JobState.WAITING_SLOT
                               and messages.append(e.job.message))
            job = h.engine.submit(ExtendRequest(prompt="kinds", video_id=source))
            return await h.engine.wait_final(job.id, timeout=30), messages

    final, messages = asyncio.run(main())
    assert final.state is JobState.COMPLETED
    assert any("already running as many jobs" in m for m in messages)
    assert any("concurrent generations" in m for m in messages)


def test_a_596_account_stops_the_job_and_parks_the_rest(sim_factory, harness):
    th = sim_factory([AccountConfig("a@example.com", max_jobs=2, credits=100),
                      AccountConfig("held@example.com", max_jobs=2, credits=100)])

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("held@example.com")
            th.call(lambda: setattr(th.sim.state.accounts["held@example.com"], "pending_error", True))
            first = h.engine.submit(ExtendRequest(prompt="one", email="held@example.com", video_id=source))
            final = await h.engine.wait_final(first.id, timeout=10)
            second = h.engine.submit(ExtendRequest(prompt="two", email="held@example.com", video_id=source))
            await asyncio.sleep(0.3)
            posts = len(th.sim.api_requests("/videos/extend-v3", "POST"))
            return final, h.engine.get(second.id), [e for e in h.events if isinstance(e, AccountProblem)], posts

    final, second, problems, posts = asyncio.run(main())
    assert final.state is JobState.FAILED and final.error_status == 596
    assert "pending error" in final.message and "updated on useapi.net" in final.message
    assert second.state is JobState.PENDING  # parked, not sent, not lost
    assert posts == 1
    assert [(p.email, p.kind) for p in problems] == [("held@example.com", "pending_error")]
    assert charges(th) == []


def test_a_moderated_prompt_fails_with_words_and_is_not_retried(sim_factory, harness):
    th = sim_factory()

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            job = h.engine.submit(ExtendRequest(prompt="something forbidden here", video_id=source))
            final = await h.engine.wait_final(job.id, timeout=10)
            await asyncio.sleep(0.2)
            return final

    final = asyncio.run(main())
    assert final.state is JobState.FAILED and final.error_status == 422
    assert "moderator" in final.message and "Reword" in final.message
    assert len(th.sim.api_requests("/videos/extend-v3", "POST")) == 1


def test_out_of_credits_and_bad_token(sim_factory, harness):
    th = sim_factory([AccountConfig("a@example.com", max_jobs=2, credits=0)])

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            job = h.engine.submit(ExtendRequest(prompt="no money", video_id=source))
            broke = await h.engine.wait_final(job.id, timeout=10)
            h.client._token_provider = lambda: "wrong-token-abcdef"
            job2 = h.engine.submit(ExtendRequest(prompt="bad token", email="b@x.io", video_id=source))
            unauthorized = await h.engine.wait_final(job2.id, timeout=10)
            return broke, unauthorized, [e.kind for e in h.events if isinstance(e, AccountProblem)]

    broke, unauthorized, kinds = asyncio.run(main())
    assert broke.state is JobState.FAILED and broke.error_status == 412 and "no credits" in broke.message
    assert unauthorized.state is JobState.FAILED and unauthorized.error_status == 401
    assert "wrong-token" not in unauthorized.message and "token" in unauthorized.message
    assert kinds == ["credits", "unauthorized"]


def test_malformed_json_and_dropped_connections_while_polling(sim_factory, harness):
    th = sim_factory(generate_seconds=0.5)

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            th.call(lambda: (th.sim.state.faults.add("malformed", count=3, method="GET", path="/videos"),
                             th.sim.state.faults.add("drop", count=3, method="GET", path="/videos"),
                             th.sim.state.faults.add("error", count=2, status=503, method="GET", path="/videos")))
            jobs = [h.engine.submit(ExtendRequest(prompt=f"faulty {i}", video_id=source)) for i in range(3)]
            return await h.wait_all_final(jobs, timeout=30)

    done = asyncio.run(main())
    assert all(j.state is JobState.COMPLETED for j in done)
    fired = th.call(lambda: dict(th.sim.state.faults.fired))
    assert fired["malformed"] == 3 and fired["drop"] == 3 and fired["error"] == 2
    assert len(charges(th)) == 3


@pytest.mark.parametrize("fault, says", [
    # The simulator dropped the connection before taking the job.
    (dict(kind="drop"), "No answer came back for this job and it is not among your videos"),
    # A 5xx may come after the job was taken (an upstream failure), so it is looked for, not resent; the
    # message says the service answered with an error, not that the answer was lost (new-user pass).
    (dict(kind="error", status=503), "The service answered this job with an error (HTTP 503) and it is not "
                                     "among your videos"),
])
def test_a_submit_without_a_clear_answer_is_reconciled_never_resent(sim_factory, harness, fault, says):
    th = sim_factory()
    th.call(lambda: th.sim.state.faults.add(count=1, method="POST", path="/videos/extend-v3", **fault))

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            job = h.engine.submit(ExtendRequest(prompt="lost answer", video_id=source))
            return await h.engine.wait_final(job.id, timeout=10)

    final = asyncio.run(main())
    # Nothing charged, nothing re-sent; the person is told, and Retry sends it again.
    assert final.state is JobState.NEEDS_ATTENTION and "Retry" in final.message
    assert final.message.startswith(says)
    assert len(th.sim.api_requests("/videos/extend-v3", "POST")) == 1
    assert charges(th) == []


@pytest.mark.parametrize("created_late", [True, False])
def test_retry_looks_for_the_first_send_once_more_before_sending_again(sim_factory, harness, created_late):
    """A slow upstream created the job after the request had timed out and after the check had called
    it missing: Retry, as the row advised, charged twice (network-failure pass). Retry now looks once
    more and takes the late video over; where there is none, it sends."""
    th = sim_factory()
    th.call(lambda: th.sim.state.faults.add("drop", count=1, method="POST", path="/videos/extend-v3"))

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            request = ExtendRequest(prompt="created late", video_id=source)
            first = await h.engine.wait_final(h.engine.submit(request).id, timeout=10)
            assert first.state is JobState.NEEDS_ATTENTION
            if created_late:   # what the service did with the first send, after all
                await h.client.extend(request)
            again = h.engine.retry(first.id)
            return await h.engine.wait_final(again.id, timeout=10)

    final = asyncio.run(main())
    assert final.state is JobState.COMPLETED
    assert len(charges(th)) == 1   # one video, whichever way it came
    posts = len(th.sim.api_requests("/videos/extend-v3", "POST"))
    assert posts == 2   # created late: the dropped one and the service's own; else the dropped one and the retry
    assert final.video_id == charges(th)[0].video_id


def test_unknown_status_is_shown_and_polling_continues(sim_factory, harness):
    th = sim_factory(unknown_status_seconds=0.4)

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            labels = []
            h.engine.subscribe(lambda e: isinstance(e, JobChanged) and labels.append(e.job.status_label))
            job = h.engine.submit(ExtendRequest(prompt="unknown-status please", video_id=source))
            return await h.engine.wait_final(job.id, timeout=15), labels

    final, labels = asyncio.run(main())
    assert "unknown (3)" in labels and final.state is JobState.COMPLETED


def test_a_failed_generation_is_final(sim_factory, harness):
    th = sim_factory()

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            job = h.engine.submit(ExtendRequest(prompt="please fail-generation", video_id=source))
            return await h.engine.wait_final(job.id, timeout=10)

    final = asyncio.run(main())
    assert final.state is JobState.FAILED and final.status_code == 8 and "could not generate" in final.message


def test_jobs_resume_after_a_clean_restart(sim_factory, harness):
    th = sim_factory(generate_seconds=1.0)

    async def first():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            job = h.engine.submit(ExtendRequest(prompt="survives restart", video_id=source, seed=7))
            while h.engine.get(job.id).state is not JobState.QUEUED:
                await asyncio.sleep(0.01)
            return job.id

    async def second(job_id):
        async with harness(th) as h:
            return await h.engine.wait_final(job_id, timeout=15)

    job_id = asyncio.run(first())
    final = asyncio.run(second(job_id))
    assert final.state is JobState.COMPLETED and final.request.seed == 7
    assert len(charges(th)) == 1


def test_a_reused_video_id_does_not_stop_the_engine(sim_factory, harness, tmp_path):
    """A simulator restarted with the same journal hands out ids the journal already holds."""
    th = sim_factory()

    async def run_one(prompt):
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            job = h.engine.submit(ExtendRequest(prompt=prompt, video_id=source))
            return await h.engine.wait_final(job.id, timeout=15), h.store.all()

    first, _ = asyncio.run(run_one("before the restart"))
    th.stop()
    th2 = sim_factory()  # a fresh simulator numbers its videos from the start again

    async def run_two():
        async with harness(th2) as h:
            source = await h.seed_video("a@example.com")
            job = h.engine.submit(ExtendRequest(prompt="after the restart", video_id=source))
            return await h.engine.wait_final(job.id, timeout=15), h.store.all()

    second, jobs = asyncio.run(run_two())
    assert second.state is JobState.COMPLETED
    old = next(j for j in jobs if j.id == first.id)
    assert second.video_id == first.video_id  # the clash this test is about really happened
    assert old.video_id is None and "reused" in old.message and old.state is JobState.COMPLETED
    assert len({j.video_id for j in jobs if j.video_id}) == len([j for j in jobs if j.video_id])


def test_the_submitting_record_is_synced_to_disk_before_the_post(sim_factory, harness):
    """Durability before spending credits: the journal's fsync completes before POST /videos/extend-v3
    is sent, and what it made durable already says SUBMITTING."""
    th = sim_factory()
    seen = []

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            real_sync = h.engine.store.sync

            async def sync():
                posts = th.call(lambda: sum(1 for r in th.sim.state.requests if r.method == "POST"))
                states = [j.state for j in h.engine.store.all() if j.request.prompt == "durable"]
                await real_sync()
                seen.append((posts, states))

            h.engine.store.sync = sync
            job = h.engine.submit(ExtendRequest(prompt="durable", video_id=source))
            return await h.engine.wait_final(job.id, timeout=30)

    final = asyncio.run(main())
    assert final.state is JobState.COMPLETED
    assert seen == [(0, [JobState.SUBMITTING])]


def test_failing_status_checks_are_said_on_the_rows_and_taken_back(sim_factory, harness):
    """While GET /videos failed, the row still said 'Queued' as if all were well (new-user pass): after
    two failed checks in a row it says so; the first check that works takes the word back, and the job
    completes."""
    th = sim_factory(queue_seconds=0.3, generate_seconds=0.3)

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            th.call(lambda: th.sim.state.faults.add("error", status=500, count=3, method="GET", path="/videos"))
            job = h.engine.submit(ExtendRequest(prompt="checks fail", video_id=source))
            final = await h.engine.wait_final(job.id, timeout=20)
            return final, [e.job.message for e in h.events if getattr(e, "job", None) and e.job.id == job.id]

    final, messages = asyncio.run(main())
    noted = [m for m in messages if m.startswith("Status checks are failing")]
    assert noted and "HTTP 500" in noted[0] and "Still trying" in noted[0]
    after = messages[messages.index(noted[-1]) + 1:]
    assert after and not after[0].startswith("Status checks")    # taken back at the first good check
    assert final.state is JobState.COMPLETED and not final.message.startswith("Status checks")


def test_a_send_left_unanswered_is_looked_for_once_a_refused_token_is_fixed(sim_factory, tmp_path):
    """A job killed mid-send is looked for at the next start; with a refused token that check died
    with its task, and the job read "Checking…" until a restart. It now says why it is not checked
    and is looked for once the token is fixed: found, never sent again."""
    import time

    from pixverse_desktop.api import PixverseClient, make_http_client
    from pixverse_desktop.jobs.engine import EngineConfig, JobEngine
    from pixverse_desktop.jobs.models import Job
    from pixverse_desktop.jobs.store import JobStore

    from .conftest import FAST, TOKEN

    th = sim_factory()

    async def main():
        token = {"value": TOKEN}
        http = make_http_client()
        client = PixverseClient(th.base_url, lambda: token["value"], http)
        store = JobStore.open(tmp_path)
        source = (await client.list_videos("a@example.com"))[-1].video_id
        request = ExtendRequest(prompt="sent before the kill", video_id=source, seed=11)
        sent = time.time()
        await client.extend(request)   # it reached the service; the app was killed before the answer
        store.save(Job(id="killed1", request=request, state=JobState.SUBMITTING, created_at=sent,
                       submitted_at=sent, account="a@example.com"))
        token["value"] = "refused-token-9"
        engine = JobEngine(client, store, EngineConfig(**FAST))
        try:
            await engine.start()
            for _ in range(100):
                if engine.get("killed1").message.startswith("Not checked yet"):
                    break
                await asyncio.sleep(0.02)
            job = engine.get("killed1")
            assert job.state is JobState.SUBMITTING and "token was not accepted" in job.message
            token["value"] = TOKEN
            engine.token_changed()
            job = await asyncio.wait_for(engine.wait_final("killed1"), 20)
            assert job.state is JobState.COMPLETED and job.video_id
        finally:
            await engine.stop()
            await http.aclose()
            store.close()

    asyncio.run(main())
    assert len(th.call(lambda: th.sim.api_requests("/videos/extend-v3", "POST"))) == 1   # never sent again


def test_no_certificate_store_keeps_a_job_unsent_and_holds_the_rest(sim_factory, harness):
    """An https service and a certificate store that cannot load: the send never left, so the job is
    not FAILED ("the generation failed") but waits unsent, and every lane is held with the reason."""
    import ssl

    import httpx

    from pixverse_desktop.api.http11 import Http11Transport
    from pixverse_desktop.api.transport import TLSWhenNeeded

    th = sim_factory()

    def broken() -> ssl.SSLContext:
        raise FileNotFoundError(2, "No such file or directory")

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            secure = httpx.AsyncClient(transport=TLSWhenNeeded(Http11Transport, broken))
            h.client.http, h.client.base_url = secure, "https://127.0.0.1:9/v2/pixverse"
            try:
                job = h.engine.submit(ExtendRequest(prompt="never sent", video_id=source))
                for _ in range(200):
                    if any(isinstance(e, AccountProblem) for e in h.events):
                        break
                    await asyncio.sleep(0.02)
                return h.engine.get(job.id), [e for e in h.events if isinstance(e, AccountProblem)]
            finally:
                await secure.aclose()

    job, problems = asyncio.run(main())
    assert job.state is JobState.PENDING and job.message.startswith("Not sent: Secure connections cannot be made")
    assert [(p.kind, p.email) for p in problems] == [("certificates", None)]
    assert th.call(lambda: len(th.sim.api_requests("/videos/extend-v3", "POST"))) == 0


def test_stopping_lets_a_send_on_its_way_be_answered_and_starts_none(sim_factory, harness):
    """Quitting while a send waited for its answer cut it off: after a restart the job could only be
    looked for, and read "Needs attention" where the service never got it (new-user pass)."""
    th = sim_factory([AccountConfig("a@example.com", max_jobs=1, credits=1000)])
    th.call(lambda: th.sim.state.faults.add("latency", seconds=0.6, method="POST", path="/videos/extend-v3"))

    async def main():
        async with harness(th) as h:
            source = await h.seed_video("a@example.com")
            first = h.engine.submit(ExtendRequest(prompt="on its way", video_id=source))
            second = h.engine.submit(ExtendRequest(prompt="waits its turn", video_id=source))
            for _ in range(200):
                if h.engine.get(first.id).state is JobState.SUBMITTING:
                    break
                await asyncio.sleep(0.01)
            await h.engine.stop()
            return h.engine.get(first.id), h.engine.get(second.id)

    sent, waiting = asyncio.run(main())
    assert sent.state is JobState.QUEUED and sent.video_id          # answered, not cut off
    assert waiting.state is JobState.PENDING                         # and nothing new was sent
    assert th.call(lambda: len(th.sim.api_requests("/videos/extend-v3", "POST"))) == 1
