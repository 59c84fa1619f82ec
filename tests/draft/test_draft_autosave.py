"""T3: saving one field costs the same with 50 MB of attachments as without — the edit writes a
page or two, never the attachments (a ZIP or JSON draft would rewrite all 50 MB)."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest
from draft_helpers import PACK, SAMPLE, listing

from forms.draft import Draft

PAGE = 4096
MB = 1024 * 1024


def _written_bytes() -> int | None:
    """Bytes this process has passed to write() so far (Linux), or None."""
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("wchar:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@pytest.fixture(scope="module")
def heavy_draft(tmp_path_factory):
    path = tmp_path_factory.mktemp("heavy") / "heavy.cxy"
    with Draft.create(path, pack=PACK, category="tech_vp") as d:
        d.replace_data(SAMPLE)
        for i in range(5):
            pdf = b"%PDF-1.4\n" + os.urandom(10 * MB)
            d.add_attachment(
                kind="contract",
                title=f"扫描件{i}",
                original_name=f"{i}.pdf",
                source_format="pdf",
                pages=10,
                sha256=hashlib.sha256(pdf).hexdigest(),
                pdf=pdf,
            )
    return path


def test_one_edit_with_50_mb_of_attachments_is_a_small_transaction(heavy_draft):
    assert heavy_draft.stat().st_size > 50 * MB
    with Draft.open(heavy_draft) as d:
        d.set("project.name", "预热")  # first write after open settles the page cache
        for n in range(20):
            size_before = heavy_draft.stat().st_size
            written_before = _written_bytes()
            d.set("project.name", f"第{n}次修改的项目名称" * (n % 3 + 1))
            size_after = heavy_draft.stat().st_size
            written_after = _written_bytes()
            assert abs(size_after - size_before) <= 2 * PAGE
            if written_before is not None and sys.platform == "linux":
                # The rollback journal plus the changed pages: a few pages, not megabytes.
                assert written_after - written_before <= 16 * PAGE, written_after - written_before
            assert listing(heavy_draft.parent) == {"heavy.cxy", ".~lock.heavy.cxy#"}  # journal gone after each commit
        assert d.get("project.name") == "第19次修改的项目名称第19次修改的项目名称"


def test_list_renumbering_is_also_small(heavy_draft):
    with Draft.open(heavy_draft) as d:
        d.set_many({f"members.{i}.name": f"成员{i}" for i in range(5)})
        written_before = _written_bytes()
        d.remove_list_item("members", 0)
        if written_before is not None and sys.platform == "linux":
            assert _written_bytes() - written_before <= 16 * PAGE
