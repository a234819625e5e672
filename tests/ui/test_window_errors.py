"""Errors end where they belong: field errors on the form, job errors on the row, account/token errors
in the banner with the fix. Real simulator answers (401, 412, 422, 429, 596); bad input never leaves."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pixverse_desktop.api.schemas import ExtendRequest
from pixverse_desktop.api.validate import FAST_MOTION_RULE
from pixverse_desktop.jobs.models import JobState
from pixverse_desktop.simulator import AccountConfig

from .conftest import EMAIL, TOKEN, extend_posts, sim_config


def _pick_and_prompt(w, prompt: str, row: int = 0) -> None:
    w.picker.select_row(row)
    w.form.prompt.setPlainText(prompt)


def _job(w, job_id):
    return w.job_model.job(job_id)


def test_bad_input_never_reaches_the_network(start_app, sim_thread, aio):
    th = sim_thread(sim_config())
    app = start_app(api_base=th.base_url, token=TOKEN)
    w = app.window
    w.picker.select_row(0)

    # a prompt that is too long: the counter, the inline error, Extend disabled with the reason
    w.form.prompt.setPlainText("x" * 2049)
    assert w.form.counter.text() == "2049/2048"
    assert "At most 2048 characters" in w.form._errors["prompt"].text()
    assert not w.form.extend_button.isEnabled()
    assert "2048" in w.form.reason.text()
    QTest.keyClick(w.form.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)   # Ctrl+Enter

    # fast motion with 8 seconds: said next to the motion field
    w.form.prompt.setPlainText("A fine prompt")
    w.form.duration.setCurrentIndex(w.form.duration.findData(8))
    w.form.motion.setCurrentIndex(w.form.motion.findData("fast"))
    assert FAST_MOTION_RULE in w.form._errors["motion_mode"].text()
    assert w.form._errors["motion_mode"].isVisibleTo(w.form)
    assert not w.form.extend_button.isEnabled()
    w.form.trigger_extend()                               # Ctrl+Enter does the same: nothing is sent

    # a bad seed and reply URL
    w.form.motion.setCurrentIndex(0)
    w.form.seed_random.setChecked(False)
    w.form.seed.setText("abc")
    assert "Seed must be a whole number" in w.form._errors["seed"].text()
    w.form.seed.setText("42")
    w.form.advanced.setChecked(True)
    w.form.reply_url.setText("ftp://nope")
    assert "http" in w.form._errors["reply_url"].text()
    w.form.reply_url.clear()
    assert w.form.extend_button.isEnabled()

    # a request that bypasses the form's button still goes through validation: errors land on the form
    jobs = w.submit(ExtendRequest(prompt="", video_id=w.form.source.key, motion_mode="fast", duration=8))
    assert jobs == []
    assert w.form._errors["prompt"].text() and w.form._errors["motion_mode"].text()
    assert w.form.message.isVisibleTo(w.form) and "correct the form" in w.form.message.text()
    assert w.job_model.rowCount() == 0
    aio.sleep(0.2)
    assert extend_posts(th) == []
    w.picker.select_row(1)        # another source: the word on the last attempt no longer applies
    assert not w.form.message.isVisibleTo(w.form)


def test_401_banner_asks_for_the_token(start_app, sim_thread, aio):
    th = sim_thread(sim_config())
    app = start_app(api_base=th.base_url, token="not-the-right-token")
    w = app.window
    aio.until(lambda: w.banner.isVisibleTo(w), 10, "the banner")
    text = w.banner.message_text()
    assert "token was not accepted" in text and "Where do I get one?" in text
    assert w.banner.action.text() == "Enter token…"
    assert "not-the-right-token" not in text
    assert w.video_model.rowCount() == 0


def test_412_out_of_credits(start_app, aio):
    config = sim_config([AccountConfig(EMAIL, max_jobs=2, credits=0)])
    app = start_app(demo=True, sim_config=config)
    w = app.window
    _pick_and_prompt(w, "More clouds")
    job = w.submit(w.form.request())[0]
    aio.until(lambda: _job(w, job.id).state is JobState.FAILED, 15, "the job to fail")
    assert "no credits left" in _job(w, job.id).message           # on the row
    aio.until(lambda: w.banner.isVisibleTo(w), 5, "the banner")
    text = w.banner.message_text()
    assert "no credits left" in text and text.count("Top up") == 1      # said once, with its link
    assert w.banner.kind == "credits"
    w.jobs.select_job(job.id)
    assert w.jobs.actions_by_name["retry"].isEnabled()


def test_422_moderated_prompt_on_the_row(start_app, aio):
    app = start_app(demo=True)
    w = app.window
    _pick_and_prompt(w, "Something forbidden happens")
    job = w.submit(w.form.request())[0]
    aio.until(lambda: _job(w, job.id).state is JobState.FAILED, 15, "moderation")
    row = w.job_model.row_of(job.id)
    assert "moderator rejected the prompt" in w.job_model.index(row, 6).data()
    assert "Reword the prompt" in w.job_model.index(row, 6).data()
    assert not w.banner.isVisibleTo(w)
    w.jobs.select_job(job.id)   # the same prompt would be refused again: no Retry (a new user tried)
    assert _job(w, job.id).moderated and not w.jobs.actions_by_name["retry"].isEnabled()


def test_429_waiting_for_a_slot_shows_next_try(start_app, aio):
    config = sim_config([AccountConfig(EMAIL, max_jobs=1, credits=100)], queue_seconds=0.5,
                        generate_seconds=1.0)
    app = start_app(demo=True, sim_config=config, engine=dict(busy_min_s=3, busy_max_s=4, default_max_jobs=2))
    w = app.window
    w.engine.accounts.clear()   # the engine does not know the account's limit: the service answers 429
    _pick_and_prompt(w, "Two at once")
    first, second = w.submit(w.form.request(), variations=2)
    waiting = aio.until(lambda: next((j for j in (_job(w, first.id), _job(w, second.id))
                                      if j.state is JobState.WAITING_SLOT), None), 15, "a 429")
    row = w.job_model.row_of(waiting.id)
    status = w.job_model.index(row, 3).data()
    assert status.startswith("Waiting for a free slot (next try ") and status.endswith(")")
    assert "Waiting for a free slot" in w.job_model.index(row, 6).data()
    assert not w.banner.isVisibleTo(w)
    aio.until(lambda: _job(w, waiting.id).state is JobState.COMPLETED, 30, "the waiting job to go through")


def test_596_pending_error_banner_says_how_to_clear_it(start_app, aio):
    config = sim_config([AccountConfig(EMAIL, max_jobs=2, credits=100, pending_error=True)])
    app = start_app(demo=True, sim_config=config)
    w = app.window
    aio.until(lambda: w.banner.isVisibleTo(w), 10, "the banner")
    text = w.banner.message_text()
    assert "pending error" in text and "useapi.net" in text and "how</a>" in text
    assert "POST" not in text and "{email}" not in text and text.count("Try again") == 1   # for creators
    assert w.banner.kind == "pending_error"


def test_the_smoke_test_fails_at_once_when_no_video_is_listed(qapp, aio, tmp_path, _isolated_dirs):
    """An empty account is a failed smoke test, said at once, not after waiting for a paint of rows
    that will never come."""
    import time

    from pixverse_desktop.app import AppOptions, run

    options = AppOptions(demo=True, smoke_test=True, data_dir=tmp_path / "data", ask_token=False,
                         sim_config=sim_config(seed_videos=0))
    started = time.monotonic()
    assert aio.run(run(qapp, options, []), timeout=25) == 1
    assert time.monotonic() - started < 15


def test_a_failed_refresh_keeps_the_videos_listed(start_app, sim_thread, aio):
    """One failed refresh emptied the whole list until the next one (new-user pass): the videos stay,
    and the picker says the refresh failed."""
    th = sim_thread(sim_config())
    w = start_app(api_base=th.base_url, token=TOKEN).window
    listed = w.video_model.rowCount()
    assert listed == 4
    aio.run(w.video_model.wait_idle())
    th.call(lambda: th.sim.state.faults.add("error", status=500, count=100, method="GET", path="/videos"))
    w.video_model.RETRY_AFTER_S = (0.3, 0.3)
    w.picker.refresh()
    aio.until(lambda: "Trying again" in w.picker.state_label.text(), 5, "the retry said")
    aio.until(lambda: not w.video_model.loading, 10, "the refresh")
    assert th.call(lambda: len(th.sim.api_requests("/videos", "GET"))) >= 3   # asked three times, then shown
    assert w.video_model.last_error is not None and w.video_model.rowCount() == listed
    assert "HTTP 500" in w.picker.state_label.text() and "Press F5" in w.picker.state_label.text()
    th.call(th.sim.state.faults.reset)
    w.picker.refresh()                                      # the next one works, and replaces them
    aio.until(lambda: not w.video_model.loading and w.video_model.last_error is None, 10, "a refresh")
    assert w.video_model.rowCount() == listed


def test_a_token_fixed_in_the_window_brings_back_the_last_source_and_job_thumbnails(
        start_app, sim_thread, aio, tmp_path, monkeypatch):
    """Started with a refused token, then given the right one in the window: the videos came back,
    but the last session's source and the job list's source thumbnails only after a restart."""
    from pixverse_desktop.ui.job_table_model import COLUMNS
    from pixverse_desktop.ui.token_dialog import TokenDialog

    th = sim_thread(sim_config())
    first = start_app(api_base=th.base_url, token=TOKEN, data_dir=tmp_path / "one")
    w = first.window
    w.picker.select_row(1)
    source = w.form.source.key
    w.form.prompt.setPlainText("the lantern drifts away")
    w.form.trigger_extend()
    aio.until(lambda: w.job_model.rowCount() == 1 and w.job_model.job_at(0).video_id, 10, "the job accepted")
    aio.run(first.stop(), timeout=30)

    again = start_app(api_base=th.base_url, token="refused-token-1", data_dir=tmp_path / "one")
    w = again.window
    source_cell = w.job_model.index(0, COLUMNS.index("source"))
    assert w.video_model.last_error is not None and w.form.source is None
    assert w.picker.state_label.text() == "Your videos are listed once the problem above is solved."
    assert "not accepted" in w.banner.message_text()   # said once, in the banner, with its button
    assert source_cell.data(Qt.ItemDataRole.DecorationRole) is None

    async def accepted(dialog) -> bool:
        dialog.manager.use_for_session(TOKEN)
        return True

    monkeypatch.setattr(TokenDialog, "ask", accepted)
    aio.run(w.ask_token(first_run=False), timeout=30)
    assert w.form.source is not None and w.form.source.key == source
    aio.until(lambda: source_cell.data(Qt.ItemDataRole.DecorationRole) is not None, 10, "the job's source")


def test_a_passing_fault_on_the_video_list_is_tried_again_before_it_is_shown(start_app, sim_thread, aio):
    """One 503 ended the load until F5, where the command line tried again (verification pass)."""
    th = sim_thread(sim_config())
    w = start_app(api_base=th.base_url, token=TOKEN).window
    aio.run(w.video_model.wait_idle())
    w.video_model.RETRY_AFTER_S = (0.2, 0.2)
    th.call(lambda: th.sim.state.faults.add("error", status=503, count=1, method="GET", path="/videos"))
    w.picker.refresh()
    aio.until(lambda: not w.video_model.loading, 10, "the refresh")
    assert w.video_model.last_error is None and w.video_model.rowCount() == 4
    assert w.picker.state_label.text() == "4 videos"


def test_effects_and_accounts_that_failed_at_start_come_once_the_service_answers(start_app, sim_thread, aio):
    """Started while the service failed them (one 503 was enough), the effect and account lists stayed
    at "No effect" and "Any account" for the whole session, silently; F5 brought back only the videos
    (network-failure pass). The next page of videos that loads brings them too."""
    th = sim_thread(sim_config())
    for path in ("/videos/effects", "/accounts"):
        th.call(lambda path=path: th.sim.state.faults.add("error", status=503, count=100, method="GET", path=path))
    w = start_app(api_base=th.base_url, token=TOKEN).window
    aio.run(w.video_model.wait_idle())
    aio.until(lambda: w._effects is not None and w._effects.done(), 10, "the effects to fail")
    assert w.form.effect.count() == 1 and w.form.account.count() == 1
    th.call(th.sim.state.faults.reset)
    w.picker.refresh()
    aio.until(lambda: w.form.effect.count() > 1, 10, "the effects, once the service answers")
    aio.until(lambda: w.form.account.findData(EMAIL) >= 0, 10, "the account, once the service answers")
