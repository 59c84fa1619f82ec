"""Issue 12: attachments imported with a contract JSON (``cxy import``, the app's import) get what
``cxy attach`` gives them: a duplicate is refused (the whole import, naming both), a kind the JSON
leaves out is inferred, and the preflight record is stored so ``cxy preflight`` need not examine
them again."""

from __future__ import annotations

import json

import pytest

import forms.attachments.intake_record as intake_record
from forms.attachments.intake_record import decode
from forms.cli import main as cxy
from forms.draft import Draft
from forms.draft.attachments import entry_key
from forms.samples import sample

from .intake_files import CONTRACT_LINES, RECEIPT_LINES, jpeg, page_image, text_pdf


def write_json(folder, items: list[dict]) -> str:
    data = sample("tech_vp")
    data["attachments"] = items
    path = folder / "app.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return str(path)


def test_a_duplicate_refuses_the_whole_import_naming_both(tmp_path, capsys):
    scan = jpeg(page_image())
    (tmp_path / "contract.jpg").write_bytes(scan)
    (tmp_path / "again.jpg").write_bytes(scan)
    (tmp_path / "proof.jpg").write_bytes(jpeg(page_image(size=(1600, 2300))))
    source = write_json(
        tmp_path,
        [
            {"kind": "contract", "title": "技术合同", "file": "contract.jpg"},
            {"kind": "payment_proof", "title": "到账证明", "file": "proof.jpg"},
            {"kind": "other", "title": "补充材料", "file": "again.jpg"},
        ],
    )
    dest = tmp_path / "d.cxy"
    assert cxy(["import", source, "-o", str(dest)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "附件 3（补充材料，again.jpg）" in err and "附件 1（技术合同，contract.jpg）" in err
    assert "未导入任何内容" in err
    assert not dest.exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "again.jpg",
        "app.json",
        "contract.jpg",
        "proof.jpg",
    ]

    assert cxy(["--lang", "en", "import", source, "-o", str(dest)]) == 2
    assert "attachment 1 (技术合同, contract.jpg)" in capsys.readouterr().err


def test_imported_attachments_carry_their_records_and_inferred_kinds(tmp_path, monkeypatch, capsys):
    (tmp_path / "合同扫描.pdf").write_bytes(text_pdf(CONTRACT_LINES))
    (tmp_path / "scan0002.pdf").write_bytes(text_pdf(RECEIPT_LINES))
    (tmp_path / "photo.jpg").write_bytes(jpeg(page_image(size=(1600, 2300))))
    source = write_json(
        tmp_path,
        [
            {"title": "合同", "file": "合同扫描.pdf"},  # kind from the name
            {"title": "回单", "file": "scan0002.pdf"},  # kind from the first page's text
            {"kind": "other", "title": "照片", "file": "photo.jpg"},  # the JSON's kind is kept
        ],
    )
    dest = tmp_path / "d.cxy"
    assert cxy(["import", source, "-o", str(dest)]) == 0
    with Draft.open(dest, readonly=True) as draft:
        infos = draft.attachments()
        meta = draft.meta()
    assert [a.kind for a in infos] == ["contract", "payment_proof", "other"]
    for info in infos:
        examination = decode(info.sha256, meta.get(entry_key(info.sha256)))
        assert examination is not None and examination.pages == info.pages

    def must_not_examine(*args, **kwargs):
        raise AssertionError("an imported attachment was examined again")

    monkeypatch.setattr(intake_record, "examine_stored", must_not_examine)
    capsys.readouterr()
    assert cxy(["preflight", str(dest), "--json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    assert [a["attachment"] for a in report["attachments"]] == [1, 2, 3] and report["unusable"] == []


def test_an_import_without_duplicates_still_keeps_the_json_order(tmp_path):
    (tmp_path / "a.jpg").write_bytes(jpeg(page_image(size=(1600, 2200))))
    (tmp_path / "b.jpg").write_bytes(jpeg(page_image(size=(1600, 2300))))
    source = write_json(
        tmp_path, [{"kind": "other", "title": "B", "file": "b.jpg"}, {"kind": "other", "title": "A", "file": "a.jpg"}]
    )
    dest = tmp_path / "d.cxy"
    assert cxy(["import", source, "-o", str(dest)]) == 0
    with Draft.open(dest, readonly=True) as draft:
        assert [a.title for a in draft.attachments()] == ["B", "A"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_app_import_refuses_the_same_way(tmp_path, lang):
    from forms.errors import UserError
    from forms.transfer import import_json_file

    scan = jpeg(page_image())
    (tmp_path / "x.jpg").write_bytes(scan)
    (tmp_path / "y.jpg").write_bytes(scan)
    source = write_json(
        tmp_path,
        [{"kind": "contract", "title": "X", "file": "x.jpg"}, {"kind": "contract", "title": "Y", "file": "y.jpg"}],
    )
    with pytest.raises(UserError) as refused:
        import_json_file(tmp_path / "app.json", tmp_path / "d.cxy", default_pack="jiangsu-cxy-2023")
    assert refused.value.code == "json.duplicate_attachment"
    assert "y.jpg" in refused.value.message(lang) and "x.jpg" in refused.value.message(lang)
    assert not (tmp_path / "d.cxy").exists() and source
