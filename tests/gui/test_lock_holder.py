"""One writer, across processes: while another process edits a draft (it holds the writer
lock), the app opens it read-only with a banner naming the holder and follows its commits."""

from __future__ import annotations

import getpass
import inspect
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from forms.draft import Draft
from forms.samples import sample

from .helpers import shown_value, widget

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(
        "readonly" not in inspect.signature(Draft.open).parameters,
        reason="needs the writer lock and Draft.open(readonly=) of branch wt-draft",
    ),
]

HOLDER = textwrap.dedent("""
    import sys
    from forms.draft import Draft

    draft = Draft.open(sys.argv[1])
    print("ready", flush=True)
    for line in sys.stdin:
        if line.startswith("name "):
            draft.set("project.name", line[5:].strip())
            print("done", flush=True)
        else:
            break
    draft.close()
""")


@pytest.fixture
def held(tmp_path):
    path = tmp_path / "share" / "held.cxy"
    path.parent.mkdir()
    with Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp") as draft:
        draft.replace_data(sample("tech_vp"))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        cwd=ROOT,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
    yield path, holder
    if holder.poll() is None:
        holder.stdin.write("quit\n")
        holder.stdin.flush()
    holder.communicate(timeout=60)


def test_a_draft_another_process_edits_opens_read_only_naming_it(qtbot, open_window, prompter, held):
    path, holder = held
    window = open_window(path)
    assert window.session is not None and window.session.readonly
    assert not prompter.errors and not prompter.infos and not prompter.asked
    assert getpass.getuser() in window.banner.text()
    window.view.go_to_key("project")
    assert widget(window, "project.name").isReadOnly()
    holder.stdin.write("name 另一个进程改的名称\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "done"
    qtbot.waitUntil(lambda: shown_value(window, "project.name") == "另一个进程改的名称", timeout=10000)
    assert "另一个进程改的名称" in window.windowTitle()
    assert not window.try_editing()  # still held
    holder.stdin.write("quit\n")
    holder.stdin.flush()
    holder.wait(timeout=60)
    widget(window, "banner.action").click()
    assert not window.session.readonly and window.banner.isHidden()
