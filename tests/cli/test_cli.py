"""The command line against the simulator: JSON on stdout only, progress on stderr, exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pixverse_desktop import cli
from pixverse_desktop.simulator import AccountConfig

from tests.jobs.conftest import TOKEN


def first_video(th, email="a@example.com"):
    return th.call(lambda: next(v.video_id for v in th.sim.state.videos.values() if v.email == email))


def posts(th):
    return len(th.sim.api_requests("/videos/extend-v3", "POST"))


def test_extend_wait_json(sim_factory, run_cli):
    th = sim_factory()
    code, out, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "birds take off",
                             "--duration", "8", "--quality", "360p", "--seed", "99", "--style", "anime",
                             "--wait", "--json", "--poll-min", "0.05")
    assert code == cli.EXIT_OK, err
    job = json.loads(out)  # stdout holds only JSON
    assert job["status"] == "COMPLETED" and job["url"].startswith("http://127.0.0.1")
    assert job["video_id"].startswith("user:") and job["parameters"] == {
        "prompt": "birds take off", "video_id": first_video(th), "duration": 8, "quality": "360p",
        "motion_mode": "normal", "style": "anime", "seed": 99}
    assert "Completed" in err


def test_extend_without_wait_returns_once_accepted(sim_factory, run_cli, tmp_path):
    th = sim_factory(generate_seconds=5)
    code, out, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "later", "--json")
    assert code == 0 and json.loads(out)["status"] in ("QUEUED", "GENERATING")
    code, out, _ = run_cli(th, "jobs", "--json")
    assert [j["parameters"]["prompt"] for j in json.loads(out)] == ["later"]
    code, out, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "and more", "--json")
    assert code == 0 and "Also resuming 1 unfinished job(s) of earlier runs" in err   # not quietly


@pytest.mark.parametrize("args, words", [
    (["--prompt", ""], "prompt"),
    (["--prompt", "x" * 2049], "2048"),
    (["--prompt", "ok", "--motion", "fast", "--duration", "8"], "Fast motion"),
    (["--prompt", "ok", "--seed", "0"], "Seed"),
    (["--prompt", "ok", "--max-jobs", "9"], "Max jobs"),
    (["--prompt", "ok", "--reply-url", "ftp://x"], "Reply URL"),
])
def test_invalid_input_exits_2_and_sends_nothing(sim_factory, run_cli, args, words):
    th = sim_factory()
    code, out, err = run_cli(th, "extend", "--video-id", first_video(th), *args)
    assert code == cli.EXIT_INVALID and words in err and out == ""
    assert err.startswith("error: --") and "form" not in err   # named as the option that sets it
    assert th.call(lambda: len(th.sim.state.requests)) == 0


def test_unsupported_file_type_sends_nothing(sim_factory, run_cli, tmp_path):
    th = sim_factory()
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    code, _, err = run_cli(th, "extend", "--file", str(bad), "--prompt", "x")
    assert code == cli.EXIT_INVALID and "not a supported video" in err
    assert th.call(lambda: len(th.sim.state.requests)) == 0


def test_extend_from_a_local_file(sim_factory, run_cli, tmp_path):
    th = sim_factory()
    source = th.call(lambda: next(v for v in th.sim.state.videos.values()))
    path = th.run(th.sim.media.video_file(source))
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(Path(path).read_bytes())
    code, out, err = run_cli(th, "extend", "--file", str(clip), "--prompt", "from my disk", "--wait",
                             "--json", "--poll-min", "0.05")
    assert code == 0, err
    assert "Uploading clip.mp4" in err and "100%" in err
    assert json.loads(out)["parameters"]["video_path"]


@pytest.mark.parametrize("setup, prompt, expected, words", [
    (lambda s: None, "forbidden fruit", cli.EXIT_MODERATED, "moderator"),
    (lambda s: setattr(s.accounts["a@example.com"], "credits", 0), "p", cli.EXIT_CREDITS, "no credits"),
    (lambda s: setattr(s.accounts["a@example.com"], "pending_error", True), "p", cli.EXIT_ACCOUNT,
     "pending error"),
    (lambda s: None, "fail-generation now", cli.EXIT_FAILED, "could not generate"),
])
def test_exit_codes_for_refusals(sim_factory, run_cli, setup, prompt, expected, words):
    th = sim_factory()
    source = first_video(th)
    th.call(lambda: setup(th.sim.state))
    code, out, err = run_cli(th, "extend", "--video-id", source, "--prompt", prompt, "--wait", "--json",
                             "--poll-min", "0.05")
    assert code == expected and words in err, err
    assert json.loads(out)["status"] == "FAILED"


def test_bad_token_exits_3(sim_factory, run_cli, monkeypatch):
    th = sim_factory()
    monkeypatch.setenv("USEAPI_TOKEN", "not-the-right-token")
    code, out, err = run_cli(th, "videos", "--json")
    assert code == cli.EXIT_AUTH and "token was not accepted" in err and "not-the-right-token" not in err
    assert "USEAPI_TOKEN" in err   # where this command took it from, not only the window's Settings


def test_no_token_exits_3(sim_factory, run_cli, monkeypatch):
    th = sim_factory()
    monkeypatch.delenv("USEAPI_TOKEN")
    code, _, err = run_cli(th, "videos")
    assert code == cli.EXIT_AUTH and "USEAPI_TOKEN" in err


def test_busy_past_the_time_limit_exits_7(sim_factory, run_cli):
    th = sim_factory()
    source = first_video(th)
    th.call(lambda: th.sim.state.faults.add("storm429", count=1000))
    code, out, err = run_cli(th, "extend", "--video-id", source, "--prompt", "busy", "--wait", "--json",
                             "--busy-timeout", "0.5")
    assert code == cli.EXIT_BUSY and "free slot" in err
    assert "Waiting for a free slot: Waiting for a free slot" not in err   # said once (CLI pass)
    assert "The service never took the job, so nothing was charged." in err   # it was sent, and refused
    job = json.loads(out)   # as recorded: cancelled, since it was never sent
    assert job["status"] == "FAILED" and job["message"] == "Cancelled before it was sent" and job["finished_at"]


def test_network_failure_exits_8(run_cli, monkeypatch):
    monkeypatch.setattr(cli, "VIDEOS_PAUSE_S", 0.01)

    class Closed:
        base_url = "http://127.0.0.1:9/v2/pixverse"  # discard port: nothing listens
    code, _, err = run_cli(Closed, "videos")
    assert code == cli.EXIT_NETWORK and "could not connect" in err


def test_videos_lists_every_page(sim_factory, run_cli):
    th = sim_factory(seed_videos=95)
    code, out, _ = run_cli(th, "videos", "--json")
    videos = json.loads(out)
    assert code == 0 and len(videos) == 95 and len({v["video_id"] for v in videos}) == 95
    assert th.call(lambda: len(th.sim.state.requests)) == 4  # the accounts, then 40 + 40 + 15


def test_download_by_video_id_is_byte_identical(sim_factory, run_cli, tmp_path):
    th = sim_factory()
    video = th.call(lambda: next(v for v in th.sim.state.videos.values()))
    original = Path(th.run(th.sim.media.video_file(video))).read_bytes()
    code, out, err = run_cli(th, "download", video.video_id, "--dir", str(tmp_path / "lib"), "--json")
    assert code == 0, err
    assert err.count("100%") == 1   # each percentage said once
    saved = Path(json.loads(out)["path"])
    assert saved.parent == tmp_path / "lib"
    assert hashlib.sha256(saved.read_bytes()).digest() == hashlib.sha256(original).digest()
    (tmp_path / "a-file").write_text("not a folder")
    requests = th.call(lambda: len(th.sim.state.requests))
    code, out, err = run_cli(th, "download", video.video_id, "--dir", str(tmp_path / "a-file"))
    assert code == cli.EXIT_INVALID and f"--dir {tmp_path / 'a-file'} is a file, not a folder" in err   # said
    assert th.call(lambda: len(th.sim.state.requests)) == requests   # before anything was asked ("File exists")
    code, out, err = run_cli(th, "download", video.video_id, "--dir", str(tmp_path / "a-file" / "below"))
    assert code == cli.EXIT_ERROR and err.strip().splitlines()[-1].startswith("error: Not downloaded: ")
    assert "Traceback" not in err   # a traceback before (CLI pass)


def test_help_lists_exit_codes():
    out = subprocess.run([sys.executable, "-m", "pixverse_desktop.cli", "extend", "--help"],
                         capture_output=True, text=True).stdout
    for code in range(10):
        assert f"\n  {code}  " in out
    assert "\n 10  gave up waiting" in out and "\n 11  the job journal is in use" in out


def test_a_refused_token_stops_extend_at_once_and_leaves_nothing_to_send(sim_factory, run_cli, monkeypatch,
                                                                          tmp_path):
    th = sim_factory()
    source = first_video(th)
    monkeypatch.setenv("USEAPI_TOKEN", "wrong-token-1234")
    code, out, err = run_cli(th, "extend", "--video-id", source, "--prompt", "x")  # no --wait
    assert code == cli.EXIT_AUTH and "token was not accepted" in err
    assert posts(th) == 0
    monkeypatch.setenv("USEAPI_TOKEN", TOKEN)
    code, out, _ = run_cli(th, "extend", "--video-id", source, "--prompt", "second", "--json")
    assert code == 0
    assert posts(th) == 1  # only the new job: the refused one was never sent later
    assert [c.prompt for c in th.call(lambda: list(th.sim.state.charges))] == ["second"]


def test_an_unreachable_service_gives_up_with_the_network_code_and_cancels(run_cli, tmp_path):
    class Closed:
        base_url = "http://127.0.0.1:9/v2/pixverse"
    code, out, err = run_cli(Closed, "extend", "--video-id", "user:1-pixverse:a@x.io-video:1",
                             "--prompt", "x", "--network-timeout", "0.3", "--json")
    assert code == cli.EXIT_NETWORK and "not sent" in err
    assert "Waiting for a free slot" not in err and "Not sent yet" in err   # not a busy service
    assert err.strip().splitlines()[-1] == ("Gave up: the service could not be reached for 0.3 s. Nothing was "
                                            "sent, so nothing was charged.")
    assert json.loads(out)["status"] == "FAILED"   # not a job that looks still pending to a script
    code, out, _ = run_cli(Closed, "jobs", "--json")
    assert json.loads(out) == []  # cancelled, hidden: no later run will send it


@pytest.mark.parametrize("fault", [dict(kind="drop", count=2), dict(kind="error", status=500, count=1)])
def test_a_media_host_that_fails_is_said_in_words_with_the_network_exit_code(sim_factory, run_cli, tmp_path, fault):
    """A dropped connection on the media URL ended in a traceback (exit 1), a 500 in exit 1
    (network-failure pass): both are passing faults, exit 8, and the same command goes on later."""
    th = sim_factory()
    video = th.call(lambda: next(v for v in th.sim.state.videos.values()))
    th.run(th.sim.media.video_file(video))   # rendered before the fault, so only the download meets it
    th.call(lambda: th.sim.state.faults.add(path="/media/", **fault))
    code, out, err = run_cli(th, "download", video.video_id, "--dir", str(tmp_path / "lib"))
    assert code == cli.EXIT_NETWORK, err
    assert "Traceback" not in err and "error: Not downloaded: " in err and "Run the same command again" in err
    code, out, err = run_cli(th, "download", video.video_id, "--dir", str(tmp_path / "lib"))
    assert code == 0, err


def test_download_takes_the_short_ids_that_jobs_prints(sim_factory, run_cli, tmp_path):
    th = sim_factory()
    code, out, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "short id", "--wait",
                             "--json", "--poll-min", "0.05")
    assert code == 0, err
    short = json.loads(out)["id"][:8]
    code, out, err = run_cli(th, "download", short, "--dir", str(tmp_path / "lib"), "--json")
    assert code == 0, err
    assert Path(json.loads(out)["path"]).name.startswith("short-id-")


def test_download_of_a_failed_job_says_so(sim_factory, run_cli, tmp_path):
    th = sim_factory()
    extend_code, out, _ = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "forbidden", "--wait",
                                  "--json", "--poll-min", "0.05")
    job_id = json.loads(out)["id"]
    code, _, err = run_cli(th, "download", job_id[:8], "--dir", str(tmp_path / "lib"))
    assert f"Job {job_id[:8]} has failed: there is no result to download" in err
    assert code == extend_code == cli.EXIT_MODERATED            # as `extend` said of it, not 6
    assert ".)." not in err and err.rstrip().endswith(").")


def test_download_of_what_is_no_job_nor_video_says_so_in_plain_words(sim_factory, run_cli, tmp_path):
    th = sim_factory([AccountConfig("a@example.com", max_jobs=2, credits=100),
                      AccountConfig("b@example.com", max_jobs=2, credits=100)])
    for made_up in ("nonsense123", "310000008"):
        code, _, err = run_cli(th, "download", made_up, "--dir", str(tmp_path / "lib"))
        assert code == cli.EXIT_INVALID and "neither a job of this journal" in err and "email" not in err
    stranger = "user:1-pixverse:nobody@example.com-video:1"
    code, _, err = run_cli(th, "download", stranger, "--dir", str(tmp_path / "lib"))
    assert code == cli.EXIT_INVALID and "nobody@example.com is not an account of this token" in err
    assert "POST /accounts" not in err


def test_videos_without_email_lists_every_account(sim_factory, run_cli):
    """`--help` says "default: every account"; with two the service wants an email for GET /videos."""
    th = sim_factory([AccountConfig("a@example.com", max_jobs=2, credits=100),
                      AccountConfig("b@example.com", max_jobs=2, credits=100)])
    code, out, err = run_cli(th, "videos", "--json")
    assert code == cli.EXIT_OK, err
    listed = json.loads(out)
    assert {v["video_id"].split("-pixverse:")[1].split("-video:")[0] for v in listed} == \
        {"a@example.com", "b@example.com"} and len(listed) == 4
    assert [v["created_at"] for v in listed] == sorted((v["created_at"] for v in listed), reverse=True)


def test_download_of_an_unfinished_job_or_video_says_not_yet(sim_factory, run_cli, tmp_path):
    """Still running is not "the generation failed" (exit 6): its own code, and what to do instead."""
    th = sim_factory(queue_seconds=60)
    code, out, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "slow one", "--json")
    assert code == cli.EXIT_OK, err
    job = json.loads(out)
    code, out, err = run_cli(th, "download", job["id"][:8], "--dir", str(tmp_path / "lib"))
    assert code == cli.EXIT_NOT_READY and out == ""
    assert "not finished yet (QUEUED)" in err and "jobs --wait" in err
    # by video ID with a journal that never saw the job: the service is asked
    code, out, err = run_cli(th, "download", job["video_id"], "--dir", str(tmp_path / "lib"),
                             data_dir=tmp_path / "other")
    assert code == cli.EXIT_NOT_READY and "not finished yet (QUEUED)" in err and "GET /videos" not in err
    assert not (tmp_path / "lib").exists() or not any((tmp_path / "lib").iterdir())
    unknown = job["video_id"].rsplit(":", 1)[0] + ":999999"
    code, _, err = run_cli(th, "download", unknown, "--dir", str(tmp_path / "lib"), data_dir=tmp_path / "other")
    assert code == cli.EXIT_ERROR and f"No video {unknown}" in err


def test_download_asks_the_service_when_the_journal_lags_behind(sim_factory, run_cli, tmp_path):
    """A job sent without --wait and finished on the service since: nothing updated the journal, and
    download said "queued" until `jobs --wait` had run (CLI pass)."""
    th = sim_factory()
    code, out, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "done meanwhile", "--json")
    assert code == cli.EXIT_OK, err
    job = json.loads(out)
    assert job["status"] == "QUEUED"
    for _ in range(100):   # until the service says COMPLETED (its clock: ~0.15 s)
        code, out, _ = run_cli(th, "videos", "--json")
        if any(v["video_id"] == job["video_id"] and v["status"] == "COMPLETED" for v in json.loads(out)):
            break
    else:
        pytest.fail("the service never finished the job")
    code, out, err = run_cli(th, "download", job["id"][:8], "--dir", str(tmp_path / "lib"))
    assert code == cli.EXIT_OK, err
    assert Path(out.strip()).name.startswith("done-meanwhile")


def test_extend_from_a_file_with_several_accounts_needs_no_email(sim_factory, run_cli, tmp_path):
    th = sim_factory([AccountConfig("a@example.com", max_jobs=2, credits=100),
                      AccountConfig("b@example.com", max_jobs=2, credits=100)])
    source = th.call(lambda: next(v for v in th.sim.state.videos.values()))
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(Path(th.run(th.sim.media.video_file(source))).read_bytes())
    code, out, err = run_cli(th, "extend", "--file", str(clip), "--prompt", "two accounts", "--wait",
                             "--json", "--poll-min", "0.05")
    assert code == 0, err
    uploads = th.call(lambda: th.sim.api_requests("/files", "POST"))
    assert len(uploads) == 1 and "email=a@example.com" in uploads[0].query
    assert json.loads(out)["status"] == "COMPLETED"


def test_a_timeout_after_the_job_was_sent_says_it_keeps_running(sim_factory, run_cli):
    th = sim_factory(queue_seconds=30)
    code, _, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "slow", "--wait",
                           "--timeout", "0.5")
    assert code == cli.EXIT_TIMEOUT and "keeps running on the service" in err and "jobs --wait" in err
    assert posts(th) == 1 and "cancelled" not in err


@pytest.mark.parametrize("args, words", [
    (["videos", "--api-base", "not a url"], "not an http:// or https:// URL: 'not a url'"),
    (["videos", "--api-base", "ftp://example.com/v2"], "Check --api-base"),
])
def test_a_malformed_address_is_a_setting_to_fix_not_a_passing_fault(monkeypatch, capsys, args, words):
    monkeypatch.setenv("USEAPI_TOKEN", TOKEN)
    assert cli.main(args) == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert words in err and "temporary" not in err


def test_timeouts_must_be_positive(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["extend", "--video-id", "v", "--prompt", "p", "--timeout", "-1"])
    assert exited.value.code == 2 and "above 0" in capsys.readouterr().err


def test_a_reader_that_goes_away_is_not_an_error(sim_factory, tmp_path):
    """`videos --json | head`: no traceback, the shell's usual status for a closed pipe."""
    th = sim_factory(seed_videos=400)   # more JSON than a pipe holds
    child = subprocess.Popen([sys.executable, "-m", "pixverse_desktop", "videos", "--json", "--api-base",
                              th.base_url, "--data-dir", str(tmp_path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env={**os.environ, "USEAPI_TOKEN": TOKEN})
    child.stdout.read(100)
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(60) == cli.EXIT_PIPE and "Traceback" not in err and "BrokenPipe" not in err


def test_the_window_help_lists_the_terminal_commands_one_line_each():
    from pixverse_desktop.cli.options import SUMMARIES

    result = subprocess.run([sys.executable, "-m", "pixverse_desktop", "--help"], check=False, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    usage = result.stdout.split("\n\n")[0]   # the usage lines name the commands, not just a sentence
    assert usage.startswith("usage: pixverse-desktop") and "COMMAND" in usage
    assert all(name in usage for name in cli.COMMANDS)
    lines = result.stdout.splitlines()
    for name, summary in SUMMARIES.items():
        assert [line for line in lines if line.split() == [name, *summary.split()]], name
    assert "COMMAND --help" in result.stdout



def test_giving_up_at_the_timeout_exits_10_whatever_the_job_waited_for(run_cli):
    class Closed:
        base_url = "http://127.0.0.1:9/v2/pixverse"
    code, _, err = run_cli(Closed, "extend", "--video-id", "user:1-pixverse:a@x.io-video:1", "--prompt", "x",
                           "--wait", "--timeout", "0.5")
    assert code == cli.EXIT_TIMEOUT and "0.5 s" in err


def test_the_network_timeout_counts_across_retries(run_cli):
    """Each retry's send used to restart the clock: --network-timeout 5 took 9-12 s."""
    import time

    class Closed:
        base_url = "http://127.0.0.1:9/v2/pixverse"
    started = time.monotonic()
    code, _, _ = run_cli(Closed, "extend", "--video-id", "user:1-pixverse:a@x.io-video:1", "--prompt", "x",
                         "--network-timeout", "5")
    # Restarting at each retry (back-off 0.5-1, 1-2, 2-4, then 4-8 s) could not end before 8.5 s;
    # counted from the first failure it ends by ~6.5 s (the check runs once a second).
    assert code == cli.EXIT_NETWORK and time.monotonic() - started < 8.0


# -- the user report: --version, help texts, usage on errors, the videos header, extend's failure --------


def test_version_prints_the_package_version():
    from pixverse_desktop import __version__

    for module in ("pixverse_desktop", "pixverse_desktop.cli"):
        result = subprocess.run([sys.executable, "-m", module, "--version"], check=False, capture_output=True,
                                text=True, timeout=60)
        assert (result.returncode, result.stdout, result.stderr) == (0, f"pixverse-desktop {__version__}\n", "")


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_load_neither_qt_nor_httpx(flag):
    """(A None in sys.modules is _skip_httpx_cli's placeholder for httpx._main, nothing loaded.)"""
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print(sorted(m for m, mod in sys.modules.items() if mod is not None and "
             "(m.split('.')[0] in ('PySide6', 'shiboken6', 'httpx', 'httpcore', 'qasync') "
             "or m == 'pixverse_desktop.cli'))))\n"
             "from pixverse_desktop.__main__ import main\n"
             f"main([{flag!r}])\n")
    result = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("command", ["extend", "videos", "jobs", "download"])
def test_every_command_help_says_what_it_does_where_the_token_comes_from_and_how_to_aim_it(command, capsys):
    from pixverse_desktop.cli.options import SUMMARIES

    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    description = out.split("\n\n")[1]   # right after the usage
    assert description == SUMMARIES[command][0].upper() + SUMMARIES[command][1:] + "."
    flat = " ".join(out.split())
    assert "USEAPI_TOKEN environment variable, or else from the OS keyring" in flat
    assert "--api-base URL, or the PIXVERSE_API_BASE environment variable" in flat and "simulator" in flat


def test_jobs_help_says_that_without_wait_no_token_is_needed(capsys):
    with pytest.raises(SystemExit):
        cli.main(["jobs", "--help"])
    assert "no token and no network are needed" in " ".join(capsys.readouterr().out.split())


def test_a_command_without_a_token_needs_none_when_the_help_says_so(monkeypatch, run_cli, tmp_path):
    """`jobs` (no --wait) reads the journal only, as its help says: no token, no service."""
    monkeypatch.delenv("USEAPI_TOKEN")
    monkeypatch.setattr(cli.common, "read_token", lambda: pytest.fail("jobs asked for a token"))

    class Closed:
        base_url = "http://127.0.0.1:9/v2/pixverse"
    assert run_cli(Closed, "jobs", "--json")[:2] == (0, "[]\n")


@pytest.mark.parametrize("argv", [["videos", "--demo"], ["jobs", "--demo"], ["download", "x", "--demo"],
                                  ["extend", "--video-id", "v", "--prompt", "p", "--demo"]])
def test_an_unknown_option_is_reported_with_the_command_s_own_usage(argv, capsys):
    from pixverse_desktop import __main__ as entry

    for run in (cli.main, entry.main):
        with pytest.raises(SystemExit) as exited:
            run(argv)
        err = capsys.readouterr().err
        assert exited.value.code == 2
        assert err.startswith(f"usage: pixverse-desktop {argv[0]} "), err
        assert f"pixverse-desktop {argv[0]}: error: unrecognized arguments: --demo" in err


def test_videos_into_a_pipe_prints_only_the_tab_separated_rows(sim_factory, run_cli):
    th = sim_factory(seed_videos=3)
    code, out, _ = run_cli(th, "videos")
    rows = out.splitlines()
    assert code == 0 and len(rows) == 3
    assert all(len(row.split("\t")) == 4 and row.startswith("user:") for row in rows)


def test_videos_and_jobs_in_a_terminal_have_a_header_row(sim_factory, run_cli, monkeypatch):
    th = sim_factory(seed_videos=3)
    monkeypatch.setattr(cli.common, "stdout_is_terminal", lambda: True)
    code, out, _ = run_cli(th, "videos")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 4 and lines[0].split() == ["VIDEO_ID", "STATUS", "DURATION", "PROMPT"]
    column = lines[0].index("STATUS")   # the columns line up under it
    assert all(line[column - 2:column] == "  " and line[column] != " " for line in lines[1:])
    code, out, _ = run_cli(th, "jobs")
    assert code == 0 and out.splitlines() == ["JOB  STATUS  VIDEO_ID  PROMPT"]


def test_a_real_terminal_is_told_apart_from_a_pipe(sim_factory, tmp_path):
    import pty

    th = sim_factory(seed_videos=2)
    leader, follower = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "pixverse_desktop", "videos", "--api-base", th.base_url,
                              "--data-dir", str(tmp_path)], stdout=follower, stderr=subprocess.PIPE,
                             env={**os.environ, "USEAPI_TOKEN": TOKEN})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:   # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert child.wait(60) == 0, child.stderr.read()
    out = b"".join(chunks).decode()
    assert out.splitlines()[0].split() == ["VIDEO_ID", "STATUS", "DURATION", "PROMPT"] and TOKEN not in out


@pytest.mark.parametrize("as_json", [False, True])
def test_an_extend_that_fails_says_so_once_on_stderr(sim_factory, run_cli, as_json):
    th = sim_factory()
    code, out, err = run_cli(th, "extend", "--video-id", "nonexistent", "--prompt", "x",
                             *(["--json"] if as_json else []))
    assert code == cli.EXIT_INVALID
    assert err.count("nonexistent not found") == 1, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: job ") and " failed: " in last and last.endswith("nonexistent not found")
    if as_json:   # one JSON object describing the failure
        job = json.loads(out)
        assert job["status"] == "FAILED" and "nonexistent not found" in job["message"]
    else:
        assert out == ""   # no "-\tFAILED\t" line


def test_a_generation_that_fails_after_it_was_accepted_is_said_once(sim_factory, run_cli):
    th = sim_factory()
    code, out, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "fail-generation now",
                             "--wait", "--poll-min", "0.05")
    assert code == cli.EXIT_FAILED and out == ""
    assert err.count("could not generate") == 1 and err.strip().splitlines()[-1].startswith("error: job ")


def test_a_successful_extend_still_prints_its_line(sim_factory, run_cli):
    th = sim_factory()
    code, out, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "fine", "--wait",
                             "--poll-min", "0.05")
    video_id, status, url = out.rstrip("\n").split("\t")
    assert code == 0 and video_id.startswith("user:") and status == "COMPLETED" and url.startswith("http")
    assert "error" not in err


@pytest.mark.parametrize("typed", ["4_2", "+42", "4 2", "٤٢", "-1"])
def test_a_seed_is_digits_only(sim_factory, run_cli, capsys, typed):
    """int() read "4_2" and "+42" as 42: a typing slip became a different, fixed seed."""
    th = sim_factory()
    with pytest.raises(SystemExit) as stop:   # argparse's refusal: exit 2, the usage and why
        run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "ok", "--seed", typed)
    out, err = capsys.readouterr()
    assert stop.value.code == 2 and out == "" and "not a seed" in err and "pixverse-desktop extend" in err
    assert "from 1 to 2147483647" in err   # the range, as for 0
    assert th.call(lambda: len(th.sim.state.requests)) == 0


def test_a_journal_in_use_by_another_process_is_not_run_twice(sim_factory, run_cli, tmp_path):
    """Two processes on one journal each sent the same waiting job (CLI pass): the one that runs the
    jobs holds the journal; another `extend` or `jobs --wait` says so and sends nothing, while reading
    the journal (`jobs`) still works."""
    from tests.storage.test_journal_lock import hold_in_another_process

    th = sim_factory()
    data = tmp_path / "data"
    code, _, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "first", data_dir=data)
    assert code == cli.EXIT_OK, err
    holder = hold_in_another_process(data)
    try:
        for args in (["extend", "--video-id", first_video(th), "--prompt", "second"], ["jobs", "--wait"]):
            code, out, err = run_cli(th, *args, data_dir=data)
            assert code == cli.EXIT_IN_USE and f"process {holder.pid}" in err and "--data-dir" in err
        code, out, _ = run_cli(th, "jobs", "--json", data_dir=data)
        assert code == cli.EXIT_OK and [j["parameters"]["prompt"] for j in json.loads(out)] == ["first"]
    finally:
        holder.terminate()
        holder.wait(10)
    assert th.call(lambda: posts(th)) == 1
    code, _, err = run_cli(th, "jobs", "--wait", data_dir=data)   # free again once the holder ended
    assert code == cli.EXIT_OK, err


def test_jobs_wait_exits_with_how_the_resumed_jobs_ended(sim_factory, run_cli):
    """It exited 0 when a job it resumed failed (CLI pass): a script could not tell."""
    th = sim_factory(generate_seconds=0.3)
    for prompt in ("calm water", "fail-generation please"):
        code, _, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", prompt)
        assert code == cli.EXIT_OK, err
    code, out, err = run_cli(th, "jobs", "--wait", "--poll-min", "0.05")
    assert code == cli.EXIT_FAILED and "has failed" in err
    code, _, err = run_cli(th, "jobs", "--wait")   # nothing left to wait for
    assert code == cli.EXIT_OK, err


def test_jobs_wait_says_what_its_jobs_go_through(sim_factory, run_cli):
    """With the service failing its status checks, `jobs --wait` said nothing until --timeout (3 h by
    default), where `extend --wait` said so (network-failure pass): each job's news is said as it comes."""
    th = sim_factory(generate_seconds=0.3)
    code, _, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "calm water")
    assert code == cli.EXIT_OK, err
    th.call(lambda: th.sim.state.faults.add("error", status=502, count=3, method="GET", path="/videos"))
    code, out, err = run_cli(th, "jobs", "--wait", "--poll-min", "0.05")
    assert code == cli.EXIT_OK, err
    assert "Status checks are failing" in err and err.count("Status checks are failing") == 1


def test_a_long_generation_says_it_is_still_running(sim_factory, run_cli, monkeypatch):
    """A minute of "Generating" and then silence looked like a hang (CLI pass)."""
    monkeypatch.setattr(cli, "HEARTBEAT_S", 0.3)
    th = sim_factory(generate_seconds=1.5)
    code, _, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "slow", "--wait",
                           "--poll-min", "0.05")
    assert code == cli.EXIT_OK, err
    assert "still generating (" in err and "s so far)" in err
    assert err.count("Waiting to send") <= 1   # said once: "created: Waiting to send" repeated it


def test_a_job_left_needing_attention_is_sent_again_with_jobs_retry(sim_factory, run_cli):
    """A 503 on the send leaves the job needing attention, and its message said "Use Retry", a button
    the terminal does not have (CLI pass): it names `jobs --retry`, which sends it again as a new job."""
    th = sim_factory()
    th.call(lambda: th.sim.state.faults.add("error", status=503, count=1, method="POST", path="/videos/extend-v3"))
    code, _, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "once more", "--wait",
                           "--poll-min", "0.05")
    assert code == cli.EXIT_FAILED and "needs attention" in err and "Use Retry" not in err
    line = next(li for li in err.splitlines() if "jobs --retry" in li)
    job_id = line.split("jobs --retry ")[1].split("`")[0]
    code, out, err = run_cli(th, "jobs", "--retry", job_id, "--wait", "--json", "--poll-min", "0.05")
    assert code == cli.EXIT_OK, err
    assert json.loads(out)["status"] == "COMPLETED" and f"send job {job_id} again" in err
    again = json.loads(out)["id"][:8]
    code, _, err = run_cli(th, "jobs", "--retry", again)   # a completed one: refused
    assert code == cli.EXIT_INVALID and "only a job that failed or needs attention" in err
    code, _, err = run_cli(th, "jobs", "--retry", job_id)   # retried already: a second charge (verification)
    assert code == cli.EXIT_INVALID and f"already sent again, as job {again}" in err
    code, _, err = run_cli(th, "jobs", "--retry", "zzzz")
    assert code == cli.EXIT_INVALID and "No job 'zzzz'" in err
    assert th.call(lambda: posts(th)) == 2   # the refused send, then the retry: nothing else


def test_videos_tries_a_passing_fault_again(sim_factory, run_cli, monkeypatch):
    """One 503 or dropped connection ended the command, though a second try would have worked (CLI pass).
    The connection is dropped twice: the transport itself sends a GET again once, on a new connection,
    where a kept-alive one was dropped (api/http11.py); the second drop is the command's to handle."""
    monkeypatch.setattr(cli, "VIDEOS_PAUSE_S", 0.01)
    th = sim_factory(seed_videos=3)
    th.call(lambda: th.sim.state.faults.add("drop", count=2, method="GET", path="/videos"))
    th.call(lambda: th.sim.state.faults.add("error", status=503, count=1, method="GET", path="/videos"))
    code, out, err = run_cli(th, "videos", "--json")
    assert code == cli.EXIT_OK and len(json.loads(out)) == 3 and "Trying again (3 of 3)" in err
    th.call(lambda: th.sim.state.faults.add("error", status=503, count=3, method="GET", path="/videos"))
    code, _, err = run_cli(th, "videos")
    assert code == cli.EXIT_NETWORK and "HTTP 503" in err


def test_an_email_that_is_no_account_is_refused_before_sending(sim_factory, run_cli):
    th = sim_factory()
    code, _, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "x", "--email",
                           "nobody@example.com")
    assert code == cli.EXIT_INVALID and "No PixVerse account nobody@example.com" in err and "a@example.com" in err
    assert th.call(lambda: posts(th)) == 0


def test_commands_write_the_apps_log_file_without_the_token(sim_factory, run_cli, monkeypatch):
    """The commands wrote no log, so a failed script left nothing to look at (CLI pass)."""
    import logging

    from pixverse_desktop.core.paths import log_dir

    th = sim_factory()
    code, _, _ = run_cli(th, "videos")
    assert code == cli.EXIT_OK
    monkeypatch.setenv("USEAPI_TOKEN", "refused-token-42")
    code, _, _ = run_cli(th, "videos")
    assert code == cli.EXIT_AUTH
    text = (log_dir() / "pixverse-desktop.log").read_text()
    assert "pixverse-desktop 0.1.0: videos" in text and "videos ended: Your useapi.net API token" in text
    assert TOKEN not in text and "refused-token-42" not in text
    ours = str(log_dir() / "pixverse-desktop.log")
    assert not [h for h in logging.getLogger().handlers if getattr(h, "baseFilename", "") == ours]   # closed after


class _Https:
    base_url = "https://127.0.0.1:9/v2/pixverse"   # refused before any connection: no certificate store


def test_no_certificate_store_stops_extend_and_jobs_wait_at_once(sim_factory, run_cli, monkeypatch, tmp_path):
    """SSL_CERT_FILE naming a missing file, the service on https: extend said "the generation failed"
    (exit 6) and `jobs --wait` polled until its 3 h timeout (CLI pass). Nothing is sent either way."""
    th = sim_factory(queue_seconds=60)
    code, out, err = run_cli(th, "extend", "--video-id", first_video(th), "--prompt", "still queued", "--json")
    assert code == cli.EXIT_OK, err
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing-ca.pem"))
    code, _, err = run_cli(_Https, "jobs", "--wait", "--timeout", "120")
    assert code == cli.EXIT_ERROR and "missing-ca.pem" in err and "Gave up waiting" not in err
    code, _, err = run_cli(_Https, "extend", "--video-id", first_video(th), "--prompt", "never sent",
                           data_dir=tmp_path / "other")
    assert code == cli.EXIT_ERROR and "missing-ca.pem" in err
    code, out, _ = run_cli(th, "jobs", "--json", data_dir=tmp_path / "other")
    assert all(j["status"] != "QUEUED" for j in json.loads(out))   # not sent, and not left to be sent later
    assert posts(th) == 1
