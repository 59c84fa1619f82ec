"""The uploads the notice requires (contract scan, payment proof): a line per missing kind on
the attachments step (zh/en), the same errors on the review page (a click goes to the
attachments step), 定稿 blocked; the sample from the start page carries its generated scans."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import opening
from forms.pack import Category
from forms.samples import sample

from .files import make_pdf
from .helpers import widget

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(
        "required_attachments" not in Category.model_fields,
        reason="required uploads need the pack's required_attachments (branch wt-seal)",
    ),
]
OUT = Path(__file__).resolve().parents[2] / "out"
REQUIRED = {"attachments.contract", "attachments.payment_proof"}


def _without_scans(open_window, tmp_path, category="tech_vp", lang="zh"):
    """The sample's fields with no attachment at all."""
    data = sample(category)
    data.pop("attachments", None)
    path = tmp_path / "无附件.cxy"
    window = open_window(lang=lang)
    opening.create(path, window.pack, category, data).close()
    window.open_path(path)
    return window


@pytest.mark.parametrize(("lang", "words"), [("zh", ("合同", "到账证明")), ("en", ("contract", "payment proof"))])
def test_missing_uploads_show_a_line_each_on_the_attachments_step(qtbot, open_window, tmp_path, lang, words):
    window = _without_scans(open_window, tmp_path, lang=lang)
    session = window.session
    assert {i.field for i in session.errors()} == REQUIRED
    window.view.go_to_key("attachments")
    messages = widget(window, "attachments.issues")
    assert messages.isVisible() and len(messages.lines) == 2
    for line, word in zip(sorted(messages.lines, key=lambda t: word_index(t, words)), words):
        assert word in line.lower() or word in line
    # nothing uploaded yet: a step not started (○), while the check step lists the errors (✖)
    assert window.view.step_state("attachments") == "todo"
    assert window.view.step_state("review") == "error"
    if lang == "zh":
        OUT.mkdir(exist_ok=True)
        window.grab().save(str(OUT / "attachments-missing-uploads.png"))


def word_index(line: str, words) -> int:
    return next((n for n, w in enumerate(words) if w in line.lower() or w in line), len(words))


def test_review_lists_them_blocks_final_and_jumps_to_the_attachments_step(qtbot, open_window, prompter, tmp_path):
    window = _without_scans(open_window, tmp_path)
    window.view.go_to_key("review")
    review = window.view.review_page
    fields = [review.tree.topLevelItem(n).data(0, 0x0100) for n in range(review.tree.topLevelItemCount())]
    assert set(fields) == REQUIRED
    assert not review.final_button.isEnabled()
    labels = {review.tree.topLevelItem(n).text(2) for n in range(review.tree.topLevelItemCount())}
    assert labels == {"附件：技术合同扫描件", "附件：到账证明"}  # the pack's names (issue 12)
    review.tree.itemClicked.emit(review.tree.topLevelItem(0), 0)
    assert window.view.current_key() == "attachments"

    # Adding a contract scan and a payment proof clears both lines.
    page = window.view.attachments_page
    files = {
        make_pdf(tmp_path / "合同.pdf", pages=1, title="Contract"): ("contract", "合同"),
        make_pdf(tmp_path / "到账.pdf", pages=1, title="Receipt"): ("payment_proof", "到账证明"),
    }
    page.import_files(list(files), files)
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    qtbot.waitUntil(lambda: not window.session.errors())
    assert not widget(window, "attachments.issues").isVisible()


def test_the_sample_carries_its_scans_and_is_eligible(qtbot, window):
    window.open_sample("tech_trade")
    session = window.session
    assert {a.kind for a in session.attachments()} >= {"contract", "payment_proof"}
    assert all(not a.damaged for a in session.attachments())
    assert not session.errors()
