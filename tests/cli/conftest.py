import pytest

from tests.jobs.conftest import TOKEN, sim_factory  # noqa: F401  (shared fixture)


@pytest.fixture
def run_cli(monkeypatch, capsys, tmp_path):
    """Run ``pixverse-desktop <args>`` in-process; returns (exit code, stdout, stderr)."""
    from pixverse_desktop import cli

    monkeypatch.setenv("USEAPI_TOKEN", TOKEN)

    def run(th, *args, data_dir=None):
        code = cli.main([*args, "--api-base", th.base_url, "--data-dir", str(data_dir or tmp_path / "data")])
        out, err = capsys.readouterr()
        assert TOKEN not in out and TOKEN not in err
        return code, out, err

    return run
