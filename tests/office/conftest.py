"""A research office's folder as researchers send it: eligible drafts (one final, with its
sealed package), an invalid one, two with the same leader, a non-final one, a package whose
draft changed after it was built, a JSON application, a lone package, and damaged files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from forms.draft import Draft
from forms.package import build_package
from forms.samples import fill_sample, sample, uscc
from forms.transfer import create_draft
from forms.workflow import finalise, unfinalise

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200 + b"\xff\xd9"


def make_draft(
    path: Path,
    pack,
    *,
    category: str = "tech_vp",
    leader: str,
    uscc17: str,
    changes: dict | None = None,
    final: bool = False,
) -> Path:
    """The category's sample under another leader and enterprise code (so that G5/G6 see
    distinct applications), with ``changes`` applied."""

    def fill(draft) -> None:
        fill_sample(draft, category, pack)
        draft.set_many(
            {"leader.name": leader, "letters.leader.signer": leader, "enterprise.uscc": uscc(uscc17), **(changes or {})}
        )

    create_draft(path, pack=pack.id, category=category, fill=fill)
    if final:
        with Draft.open(path) as draft:
            finalise(draft, pack)
    return path


def build(draft_path: Path, pdf_path: Path, pack) -> Path:
    with Draft.open(draft_path, readonly=True) as draft:
        data, infos, final = draft.data(), draft.attachments(), draft.final
        attachments = [(info, draft.attachment_pdf(info.id)) for info in infos]
    pdf_path.write_bytes(build_package(data, attachments, pack, final=final).pdf)
    return pdf_path


def make_office_folder(folder: Path, pack) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    ok = make_draft(folder / "01_valid_final.cxy", pack, leader="王一鸣", uscc17="91320100MA1AAAA01", final=True)
    build(ok, folder / "01_valid_final_package.pdf", pack)
    make_draft(
        folder / "02_invalid.cxy",
        pack,
        leader="钱二",
        uscc17="91320100MA1AAAA02",
        changes={"leader.email": "not-an-address"},
    )
    make_draft(folder / "03_dup_a.cxy", pack, category="conference", leader="孙三", uscc17="91320100MA1AAAA03")
    make_draft(folder / "04_dup_b.cxy", pack, leader="孙三", uscc17="91320100MA1AAAA04")
    make_draft(folder / "05_not_final.cxy", pack, leader="李四", uscc17="91320100MA1AAAA05")
    changed = make_draft(
        folder / "06_changed_after_build.cxy", pack, leader="周五", uscc17="91320100MA1AAAA06", final=True
    )
    build(changed, folder / "06_package.pdf", pack)
    with Draft.open(changed) as draft:
        unfinalise(draft, "改项目名称")
        draft.set("project.name", "改过名称的项目")
    (folder / "07_truncated.cxy").write_bytes((folder / "05_not_final.cxy").read_bytes()[:5000])
    (folder / "08_photo.cxy").write_bytes(JPEG)
    (folder / "09_broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    data = sample("tech_trade", pack)
    data["leader"]["name"] = data["letters"]["leader"]["signer"] = "郑七"
    data["enterprise"]["uscc"] = uscc("91320100MA1AAAA08")
    (folder / "11_application.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    create_draft(folder / "12_other_call.cxy", pack="jiangsu-cxy-2025", category="tech_vp")
    lone = make_draft(folder.parent / "elsewhere.cxy", pack, leader="吴六", uscc17="91320100MA1AAAA07", final=True)
    build(lone, folder / "10_lone_package.pdf", pack)
    lone.unlink()
    return folder


@pytest.fixture(scope="session")
def office_folder(tmp_path_factory, pack) -> Path:
    return make_office_folder(tmp_path_factory.mktemp("office") / "applications", pack)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime (ns), names included: what must not change."""
    return {p.name: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in sorted(folder.iterdir())}
