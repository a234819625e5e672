"""The Linux desktop integration files: validated by the freedesktop tools, consistent with each other.

CI installs the validators (Debian/Ubuntu: ``apt-get install desktop-file-utils appstream``); on a
machine without them those tests are skipped with the reason.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pixverse_desktop import APP_ID, APP_NAME, __version__

ROOT = Path(__file__).resolve().parents[2]
RES = ROOT / "resources"
DESKTOP = RES / f"{APP_ID}.desktop"
METAINFO = RES / f"{APP_ID}.metainfo.xml"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pkg = {"desktop-file-validate": "desktop-file-utils", "appstreamcli": "appstream"}[name]
        pytest.skip(f"{name} not installed (apt-get install {pkg}); CI installs it")
    return path


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def test_desktop_file_validate():
    tool = _tool("desktop-file-validate")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "error" not in output.lower(), output


def test_appstreamcli_validate():
    tool = _tool("appstreamcli")
    result = subprocess.run([tool, "validate", "--no-net", "--no-color", str(METAINFO)],
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # errors (E:) fail the run; warnings (W:) would be rejected by Flathub, so refuse them too
    assert not re.search(r"^\s*[EW]:", output, re.M), output


def test_appstreamcli_validate_install_tree(tmp_path):
    """Installed as a distribution would: the metainfo, its .desktop launchable and the icons."""
    tool = _tool("appstreamcli")
    share = tmp_path / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir()
    shutil.copy(DESKTOP, share / "applications")
    shutil.copy(METAINFO, share / "metainfo")
    shutil.copytree(RES / "icons" / "hicolor", share / "icons" / "hicolor")
    result = subprocess.run([tool, "validate-tree", "--no-net", "--no-color", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not re.search(r"^\s*[EW]:", output, re.M), output


def test_desktop_entry_content():
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_NAME
    assert entry["Icon"] == APP_ID
    assert entry["Exec"] == "pixverse-desktop %F"
    assert entry["Terminal"] == "false"
    assert {"AudioVideo", "Video"} <= set(filter(None, entry["Categories"].split(";")))
    assert "video/mp4" in entry["MimeType"].split(";")


def test_metainfo_content():
    root = _metainfo()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.find("launchable").get("type") == "desktop-id"
    assert root.find("content_rating").get("type", "").startswith("oars-")
    license_ = PYPROJECT["project"]["license"]  # table form {text = "MIT"} or SPDX string "MIT"
    assert root.findtext("project_license") == (license_["text"] if isinstance(license_, dict) else license_)
    releases = [r.get("version") for r in root.iter("release")]
    assert releases and releases[0] == __version__ == PYPROJECT["project"]["version"]
    assert root.find("url[@type='homepage']").text.startswith("https://")
    shots = [i.text for i in root.iter("image")]
    assert shots and all(s.startswith("https://") for s in shots)
    assert root.find("developer") is not None


def test_binaries_match_the_entry_points():
    """Exec= and <provides><binary> name the console/gui scripts pyproject installs."""
    project = PYPROJECT["project"]
    scripts = set(project.get("gui-scripts", {})) | set(project.get("scripts", {}))
    exec_binary = _desktop_entry()["Exec"].split()[0]
    assert exec_binary in project["gui-scripts"]
    assert _desktop_entry()["TryExec"] == exec_binary
    provided = {b.text for b in _metainfo().iter("binary")}
    assert exec_binary in provided
    assert provided <= scripts


def test_app_id_is_shared_by_every_file():
    assert DESKTOP.stem == APP_ID
    assert METAINFO.name == f"{APP_ID}.metainfo.xml"
    icons = list((RES / "icons" / "hicolor").glob("*/apps/*"))
    assert icons and {p.stem for p in icons} == {APP_ID}
    manifest = ROOT / "packaging" / "flatpak" / f"{APP_ID}.yml"
    assert re.search(rf"^id:\s*{re.escape(APP_ID)}\s*$", manifest.read_text(encoding="utf-8"), re.M)


def test_i18n_folder_exists():
    assert (RES / "i18n").is_dir()
