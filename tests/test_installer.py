"""The installer's light checks: the spec, the frozen entry script, the Inno Setup script and the
self-test a user's installed copy runs. The PyInstaller build itself is ``installer/build.py``
(CI), never part of pytest."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "installer" / "cxy-apply.spec"
LAUNCH = REPO / "installer" / "launch.py"
ISS = REPO / "installer" / "cxy-apply.iss"


def _spec_filters() -> dict:
    """The spec's file filters, executed on their own (the rest of the spec needs PyInstaller)."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    wanted = {"KEEP_PLUGIN_DIRS", "KEEP_PLATFORMS", "KEEP_IMAGEFORMATS", "DROP_QT_LIBS", "KEEP_QT_TRANSLATIONS",
              "DROP_FILES", "keep"}
    nodes = [
        node for node in tree.body
        if (isinstance(node, ast.Assign) and {t.id for t in node.targets if isinstance(t, ast.Name)} & wanted)
        or (isinstance(node, ast.FunctionDef) and node.name in wanted)
    ]
    namespace: dict = {"re": re}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), str(SPEC), "exec"), namespace)  # noqa: S102 - our own file
    return namespace


def test_spec_bundles_the_resources_and_both_programs():
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text)
    for needed in ('"resources/**/*"', '"forms/packs/**/*.toml"', '"forms/messages/*.toml"', '"desktop/**/*.qm"',
                   'copy_metadata(DIST_NAME)', '"PySide6.QtPdf"', '"PySide6.QtPdfWidgets"', '"PySide6.QtPrintSupport"',
                   '"desktop.selftest"', 'GUI_NAME, CLI_NAME = "cxy-apply", "cxy"', "strip=IS_LINUX"):
        assert needed in text, needed
    for path in ("resources/fonts/FormSerifSC-Regular.ttf", "forms/packs/jiangsu-cxy-2023/pack.toml"):
        assert (REPO / path).is_file(), path
    # sqlite3 is the draft format: never excluded
    assert '"sqlite3"' not in text and "'sqlite3'" not in text


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/translations/qt_zh_CN.qm", True),  # Windows layout
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
    ("PySide6/Qt/lib/libQt6Network.so.6", True),  # QtPdf links it
    ("PySide6/Qt/lib/libQt6Svg.so.6", False),
    ("PySide6/Qt6Quick.dll", False),
    ("PySide6/opengl32sw.dll", False),
    ("resources/fonts/FormSerifSC-Regular.ttf", True),
    ("forms/packs/jiangsu-cxy-2023/pack.toml", True),
])
def test_spec_filter_keeps_what_the_app_uses(dest, kept):
    assert _spec_filters()["keep"](dest) is kept


def test_entry_script_routes_the_attachment_worker():
    from forms.attachments.runner import FROZEN_WORKER_FLAG

    assert f'WORKER_FLAG = "{FROZEN_WORKER_FLAG}"' in LAUNCH.read_text(encoding="utf-8")


def test_entry_script_runs_the_cli_when_started_as_cxy(tmp_path):
    as_cxy = tmp_path / "cxy.py"  # the frozen program's name decides; here the script's name does
    as_cxy.write_text(LAUNCH.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run([sys.executable, str(as_cxy), "--help"], cwd=REPO, capture_output=True, text=True,
                          timeout=60, env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert "usage: cxy" in done.stdout


def test_inno_script_is_a_per_user_chinese_installer_with_the_draft_association():
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup reads Chinese text reliably only from UTF-8 with a BOM"
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    for needed in ("PrivilegesRequired=lowest", "DefaultDirName={autopf}", 'Name: "{autoprograms}',
                   'Name: "{autodesktop}', "ChineseSimplified.isl", "ChangesAssociations=yes",
                   '#define AssocExt ".cxy"', '#define AppExeName "cxy-apply.exe"', "MinVersion=10.0.17763",
                   "[InstallDelete]"):
        assert needed in text, needed
    assert re.search(r"^AppId=\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$", text, re.M)
    assert text.index('Name: "chinesesimplified"') < text.index('Name: "english"'), "Chinese is the default"


@pytest.mark.gui
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_selftest_builds_and_verifies_the_sample_package_offscreen(tmp_path, monkeypatch):
    import keyring
    from keyring.backends import null

    from desktop.selftest import run_selftest

    monkeypatch.setattr(keyring, "get_keyring", lambda: null.Keyring())  # never the user's password store
    result_path = tmp_path / "selftest.json"
    code = run_selftest(result_path)
    result = json.loads(result_path.read_text(encoding="utf-8"))
    assert code == 0, result.get("reason")
    assert result["ok"] is True
    assert result["pages"] > 1 and result["bytes"] > 0
    assert any("FormSerifSC" in name for name in result["fonts"])
    assert result["versions"]["cxy-apply"]
