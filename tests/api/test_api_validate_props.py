"""Property tests of pixverse_desktop.api.validate, and a differential check against the simulator's
independent implementation of the same documented rules."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pixverse_desktop.api import ExtendRequest
from pixverse_desktop.api.validate import FAST_MOTION_RULE, extend_errors
from pixverse_desktop.simulator.validation import ApiFailure, parse_extend

SOURCE = "user:1-pixverse:a@example.com-video:1"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fields_of(req: ExtendRequest) -> set[str]:
    return {e.field for e in extend_errors(req)}


non_blank = st.one_of(st.text(min_size=1, max_size=80).filter(lambda s: s.strip()),
                      st.builds(lambda head, n: (head + "y" * n)[:2048], st.text(max_size=20), st.integers(1, 2048)))


@SETTINGS
@given(non_blank)
def test_any_non_blank_prompt_up_to_2048_is_valid(prompt):
    assert "prompt" not in fields_of(ExtendRequest(prompt=prompt, video_id=SOURCE))


long_text = st.builds(lambda head, n: (head + "x" * n)[: max(2049, len(head) + n)],
                      st.text(max_size=40), st.integers(2049, 3000))


@SETTINGS
@given(long_text)
def test_any_prompt_over_2048_is_invalid(prompt):
    assert "prompt" in fields_of(ExtendRequest(prompt=prompt, video_id=SOURCE))


@SETTINGS
@given(st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=50))
def test_blank_prompts_are_invalid(prompt):
    assert "prompt" in fields_of(ExtendRequest(prompt=prompt, video_id=SOURCE))


@SETTINGS
@given(st.integers(min_value=1, max_value=2147483647))
def test_seeds_in_range_are_valid(seed):
    assert fields_of(ExtendRequest(prompt="p", video_id=SOURCE, seed=seed)) == set()


@SETTINGS
@given(st.one_of(st.integers(max_value=0), st.integers(min_value=2147483648)))
def test_seeds_out_of_range_are_invalid(seed):
    assert "seed" in fields_of(ExtendRequest(prompt="p", video_id=SOURCE, seed=seed))


@SETTINGS
@given(quality=st.sampled_from(["360p", "540p"]), style=st.sampled_from([None, "anime", "3d_animation", "clay"]),
       seed=st.none() | st.integers(1, 2147483647), prompt=non_blank)
def test_fast_motion_with_8_seconds_is_always_invalid(quality, style, seed, prompt):
    req = ExtendRequest(prompt=prompt, video_id=SOURCE, duration=8, motion_mode="fast", quality=quality,
                        style=style, seed=seed)
    errors = extend_errors(req)
    assert any(e.field == "motion_mode" and e.message == FAST_MOTION_RULE for e in errors)


@SETTINGS
@given(st.integers().filter(lambda d: d not in (5, 8)))
def test_durations_other_than_5_and_8_are_invalid(duration):
    assert "duration" in fields_of(ExtendRequest(prompt="p", video_id=SOURCE, duration=duration))


@SETTINGS
@given(st.integers(-100, 100))
def test_max_jobs_range(max_jobs):
    invalid = "max_jobs" in fields_of(ExtendRequest(prompt="p", video_id=SOURCE, max_jobs=max_jobs))
    assert invalid == (not 1 <= max_jobs <= 8)


@SETTINGS
@given(st.integers(0, 1100))
def test_reply_ref_and_reply_url_lengths(n):
    req = ExtendRequest(prompt="p", video_id=SOURCE, reply_ref="r" * n,
                        reply_url="https://h.example/" + "u" * max(0, n - 18) if n >= 18 else None)
    errors = fields_of(req)
    assert ("reply_ref" in errors) == (n > 1024)
    assert ("reply_url" in errors) == (n > 1024)


@SETTINGS
@given(st.booleans(), st.booleans())
def test_exactly_one_source(has_id, has_path):
    req = ExtendRequest(prompt="p", video_id=SOURCE if has_id else None,
                        video_path="upload/x.mp4" if has_path else None)
    assert ("source" in fields_of(req)) == (has_id == has_path)


# -- the client and the simulator agree -------------------------------------------------------------

def _maybe(strategy):
    return st.none() | strategy


requests_strategy = st.builds(
    ExtendRequest,
    prompt=st.one_of(st.just(""), st.just("   "), st.text(max_size=30),
                     st.integers(2040, 2056).map(lambda n: "p" * n)),
    video_id=_maybe(st.just(SOURCE)),
    video_path=_maybe(st.just("upload/x.mp4")),
    email=_maybe(st.just("a@example.com")),
    negative_prompt=_maybe(st.one_of(st.text(max_size=10), st.integers(2045, 2052).map(lambda n: "n" * n))),
    template_id=_maybe(st.integers(-2, 3) | st.just(303624537709312)),
    duration=st.sampled_from([5, 8]) | st.integers(-1, 10),
    quality=st.sampled_from(["360p", "540p", "720p", "1080p"]),
    motion_mode=st.sampled_from(["normal", "fast", "slow"]),
    style=_maybe(st.sampled_from(["anime", "3d_animation", "clay", "comic"])),
    seed=_maybe(st.integers(-1, 3) | st.integers(2147483640, 2147483650)),
    remove_watermark=_maybe(st.booleans()),
    reply_url=_maybe(st.sampled_from(["http://127.0.0.1:9/hook", "https://x.example/cb", "ftp://x/y", "nope",
                                      "https://x.example/" + "a" * 1010])),
    reply_ref=_maybe(st.text(max_size=5) | st.just("r" * 1025)),
    max_jobs=_maybe(st.integers(-1, 10)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests_strategy)
def test_client_and_simulator_validation_agree(req):
    """Two independent implementations of the documented rules accept and refuse the same requests."""
    client_ok = not extend_errors(req)
    try:
        parse_extend(req.to_payload())
        simulator_ok = True
    except ApiFailure as failure:
        assert failure.status == 400
        simulator_ok = False
    assert client_ok == simulator_ok, (extend_errors(req), req)
