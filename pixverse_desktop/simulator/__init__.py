"""A faithful local stand-in for the useapi.net PixVerse v2 API (aiohttp), with real H.264 media.

Used by the tests, the benchmarks and the app's --demo mode::

    sim = Simulator(SimulatorConfig(token="t", accounts=[AccountConfig("a@example.com")]))
    await sim.start()            # sim.base_url == "http://127.0.0.1:<port>/v2/pixverse"
    ...
    await sim.stop()

or, from synchronous code, ``SimulatorThread(config).start()``. It imports nothing from the app
(not even api.schemas): its validation is written from /work/shared/api/useapi-pixverse-v2.md, so
testing the client against it is not testing the client against itself.

Where the doc is silent the simulator decides (keep the client consistent with these):
  * replyUrl receives the video object plus "replyRef" on every status change, the first at QUEUED;
  * extending needs a COMPLETED source video (else 400); an upload's length counts in whole seconds;
  * cost: 5 s = 1 credit, 8 s = 2 credits, any quality; charged when accepted, never refunded;
  * refusal order: 400 body → 429 storm fault → 400 source/template/email → 596 → 429 maxJobs →
    429 plan limit → 422 moderation → 412 credits; without ``email`` the source's owner is tried
    first, then any account with capacity (credits are not considered when choosing);
  * video_status_name for 7 and 8 is MODERATION_FAILED / FAILED, any other unknown code UNKNOWN;
  * a whitespace-only prompt counts as missing; JSON integers must be JSON numbers (multipart text
    is converted); ``limit`` is 1..1000;
  * ``email`` is required on POST /files and GET /videos/effects too when several accounts exist
    (as on the real effects page); every account-bound call answers 596 while the flag is set;
  * every error body is JSON (the real 404 of /accounts is plain text); media lives under /media on
    the simulator's host and needs no token; results are 16:9 (640×360 / 960×540) whatever the source.
"""



def __getattr__(name: str):
    # The server (aiohttp and the rest) is imported when first asked for, so building a configuration
    # stays cheap; the configuration too, so the demo's start-up, which only spawns the simulator's
    # process (simulator.process), loads neither.
    if name in ("Simulator", "SimulatorThread"):
        from . import runner

        return getattr(runner, name)
    if name in ("AccountConfig", "SimulatorConfig", "credit_cost"):
        from . import config

        return getattr(config, name)
    raise AttributeError(name)

__all__ = ["AccountConfig", "Simulator", "SimulatorConfig", "SimulatorThread", "credit_cost"]
