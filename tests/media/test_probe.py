"""Probing a local video: duration, size and a first-frame thumbnail, in a worker thread."""

from __future__ import annotations

import asyncio

from pixverse_desktop.media.probe import probe_video
from tests.ui.conftest import make_mp4


def test_probe_reads_a_real_mp4(tmp_path):
    clip = make_mp4(tmp_path / "clip.mp4", seconds=1.0)
    result = asyncio.run(probe_video(clip, tmp_path / "thumbs"))
    assert 0.5 < result.duration < 2.0
    assert (result.width, result.height) == (160, 96)
    assert result.thumbnail and (tmp_path / "thumbs").exists()


def test_probe_of_something_else_gives_nothing(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\0" * 100)
    result = asyncio.run(probe_video(junk, tmp_path / "thumbs"))
    assert result.thumbnail == "" and result.duration == 0
