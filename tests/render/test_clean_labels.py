"""Labels print cleanly (issue 11, item 4), read back from the PDFs' own text positions:
no label leaves one character alone on a line, no value runs over its cell's rule (a "℃" or
"，" at the cell edge moves down with the character before it), and no line starts with a
closing mark such as 、，。；：）」."""

from __future__ import annotations

import itertools

import pytest
from pdf_lines import Page, pages

from forms.render.documents import render_document
from forms.samples import at_limits, sample

FORMS = {"tech_vp": "form_tech_vp", "conference": "form_conference", "tech_trade": "form_tech_trade"}
LETTERS = ["letter_leader", "letter_unit", "letter_authority"]
CLOSING = "、，。；：）」》！？"
OPENING = "（《“「"
TOLERANCE = 0.5  # points: well under a stroke's width


def blank(category: str) -> dict:
    return {"category": category}


def at_the_edge(category: str, count: int) -> dict:
    """The sample with values that put a "℃" or a closing mark where lines break: runs of
    ``count`` hanzi between the marks, so that some mark lands on every cell's edge across the
    counts the tests try."""
    data = sample(category)
    marks = itertools.cycle(["℃", "，", "、", "。", "；", "：", "）", "」", "（注", "《"])
    text = "".join("国" * count + next(marks) for _ in range(12))
    data["project"]["name"] = text
    data["project"]["summary"] = text * 2
    data["project"]["kpis"] = text
    data["contract"]["name"] = text[: 4 * (count + 1)]
    data["leader"]["title"] = text[: 3 * (count + 1)]
    data["leader"]["unit"] = text[: 5 * (count + 1)]
    data["enterprise"]["name"] = text[: 6 * (count + 1)]
    data["university"]["contact"]["name"] = text[: 2 * (count + 1)]
    for member in data["members"]:
        member["unit"] = text[: 2 * (count + 1)]
        member["field"] = "国" * count + "℃"
    return data


def straddled(page: Page) -> list[str]:
    """Runs of text that cross a vertical rule of the grid, or run past its outer edge."""
    found = []
    for run in page.runs:
        if not run.text.strip():
            continue
        beside = [rule for rule in page.rules if rule.y0 - 1 <= run.y <= rule.y1 + 1]
        if not beside:
            continue
        right = max(rule.x for rule in beside)
        for rule in beside:
            if run.x0 + TOLERANCE < rule.x < run.x1 - TOLERANCE:
                found.append(f"{run.text!r} ({run.x0:.1f}–{run.x1:.1f}) crosses the rule at x={rule.x:.1f}")
        if run.x1 > right + TOLERANCE:
            found.append(f"{run.text!r} ends at x={run.x1:.1f}, past the grid's edge at {right:.1f}")
    return found


def closing_starts(page: Page) -> list[str]:
    """Lines that start with a closing mark, or end with an opening one."""
    return [
        line.text
        for line in page.lines()
        if line.text.strip() and (line.text.strip()[0] in CLOSING or line.text.strip()[-1] in OPENING)
    ]


def lone_characters(page: Page) -> list[str]:
    """Lines of one character that continue the line just above them (same size, overlapping,
    one line's leading lower): a label's last character left alone."""
    lines = [line for line in page.lines() if line.text.strip()]
    found = []
    for line in lines:
        if len(line.text.strip()) != 1:
            continue
        for above in lines:
            if (
                abs(above.size - line.size) < 0.1
                and 0 < above.y - line.y <= 1.5 * line.size
                and above.x0 < line.x1
                and line.x0 < above.x1
            ):
                found.append(f"{above.text!r} / {line.text!r}")
    return found


@pytest.mark.parametrize("category", list(FORMS))
def test_blank_forms_and_letters_break_labels_cleanly(category, pack):
    keys = [FORMS[category], *LETTERS]
    for key in keys:
        for number, page in enumerate(pages(render_document(key, blank(category), pack)), start=1):
            where = f"{key} page {number}"
            assert not lone_characters(page), (where, lone_characters(page))
            assert not closing_starts(page), (where, closing_starts(page))
            if key in FORMS.values():
                assert not straddled(page), (where, straddled(page))


@pytest.mark.parametrize("category", list(FORMS))
@pytest.mark.parametrize("filled", ["sample", "at_limits"])
def test_filled_forms_and_letters_keep_values_inside_their_cells(category, filled, pack):
    data = sample(category) if filled == "sample" else at_limits(category)
    for key in [FORMS[category], *LETTERS]:
        for number, page in enumerate(pages(render_document(key, data, pack)), start=1):
            where = f"{key} page {number}"
            assert not closing_starts(page), (where, closing_starts(page))
            if key in FORMS.values():
                assert not straddled(page), (where, straddled(page))


@pytest.mark.parametrize("category", list(FORMS))
def test_a_mark_at_the_cell_edge_moves_down_with_the_character_before_it(category, pack):
    seen_marks_at_line_ends = 0
    for count in range(3, 12):
        data = at_the_edge(category, count)
        for number, page in enumerate(pages(render_document(FORMS[category], data, pack)), start=1):
            where = f"{FORMS[category]} count {count} page {number}"
            assert not straddled(page), (where, straddled(page))
            assert not closing_starts(page), (where, closing_starts(page))
            seen_marks_at_line_ends += sum(line.text.rstrip()[-1:] in "℃" + CLOSING for line in page.lines())
    assert seen_marks_at_line_ends > 0  # the marks did reach the ends of lines


def test_the_checks_see_a_value_that_runs_over_its_rule(pack):
    """The geometry the tests read is the printed one: a run pushed past a rule is reported."""
    page = pages(render_document("form_tech_trade", sample("tech_trade"), pack))[0]
    run = next(r for r in page.runs if r.text.startswith("南京理工大学"))
    rule = min((rule for rule in page.rules if rule.x > run.x1 and rule.y0 <= run.y <= rule.y1), key=lambda r: r.x)
    run.x1 = rule.x + 5
    assert straddled(page)
    line = page.lines()[3]
    line.text = "，" + line.text
    page.runs = [line]
    assert closing_starts(page)
