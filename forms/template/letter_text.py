"""A letter's official wording from its .docx: the paragraphs in order are the annex line and
title, one preamble, the numbered commitment points, then the signature (and date) lines. They
are mapped onto ``intro``, ``points`` and ``sign`` of letters.toml; a document whose parts do not
line up with the pack's (another number of points or sign lines, stray text) is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass

from forms.errors import UserError
from forms.pack import Pack
from forms.text import Text

from .docx_file import DocxContent
from .recognise import Target, norm

MAX_TEXT = 2_000  # characters in one paragraph of a one-page letter

_NUMERAL = r"[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}"
_MARKER = re.compile(rf"^\s*(?:[（(]\s*(?:{_NUMERAL})\s*[)）]|(?:{_NUMERAL})\s*[.、．,，)）])\s*")
_SIGN_WORDS = ("签字", "签名", "盖章", "签章")
_SEGMENTS = re.compile(r"\t+|[ \u3000]{2,}")
_DATE = re.compile(r"(?:日期\s*[:：]\s*)?(?:\d{4}|[_＿]+)?[ \u3000_＿]*年[ \u3000_＿]*月[ \u3000_＿]*日")


@dataclass(frozen=True)
class LetterText:
    title: str
    intro: str
    points: list[str]
    sign: list[str]


def _is_date(text: str) -> bool:
    squeezed = norm(text)
    return bool(re.fullmatch(r"(?:\d{4}|[_＿]*)?年[_＿]*月[_＿]*日", squeezed))


def _is_sign(text: str) -> bool:
    return any(word in text for word in _SIGN_WORDS) or text.rstrip().endswith(("：", ":"))


def _refuse(name: str, why: Text) -> UserError:
    return UserError(
        "template.letter_mismatch", f"“{name}”{why.zh}，未导入", f"“{name}”: {why.en}; nothing was imported"
    )


def map_letter(content: DocxContent, target: Target, pack: Pack) -> LetterText:
    letter = pack.letters[target.key]
    name = content.name
    paragraphs = [(p.text.strip(), p.numbered) for p in content.paragraphs if p.text.strip()]
    title, titled = letter.title.zh, False
    index = 0
    while index < len(paragraphs):  # the annex line, the title, a 项目名称 line the app prints
        text = norm(paragraphs[index][0])
        if re.fullmatch(r"附件\d", text) or re.fullmatch(r"项目名称[:：].*", text):
            index += 1
        elif "承诺书" in text and len(text) <= 40:
            title = re.sub(r"^附件\s*\d\s*", "", paragraphs[index][0]).strip()
            titled = True
            index += 1
        elif titled and re.fullmatch(r"\([^()]{1,20}\)", text):  # 〈title〉 / （项目负责人）
            title += paragraphs[index][0].strip()
            index += 1
        else:
            break
    intro: list[str] = []
    while index < len(paragraphs) and not (paragraphs[index][1] or _MARKER.match(paragraphs[index][0])):
        intro.append(paragraphs[index][0])
        index += 1
    points: list[str] = []
    while index < len(paragraphs) and (paragraphs[index][1] or _MARKER.match(paragraphs[index][0])):
        points.append(_MARKER.sub("", paragraphs[index][0], count=1).strip())
        index += 1
    sign: list[str] = []
    for text, _ in paragraphs[index:]:
        text = _DATE.sub("\t", text)  # "日期：2023年    月    日" is spaced out: gone before splitting
        for segment in (s.strip() for s in _SEGMENTS.split(text)):
            if not segment or _is_date(segment):
                continue
            if not _is_sign(segment):
                raise _refuse(
                    name,
                    Text(
                        f"的承诺条目之后有无法对应的文字（“{segment[:20]}”），只应有签字、盖章和日期行",
                        f"after the points there is text that is no signature, seal or date line (“{segment[:20]}”)",
                    ),
                )
            sign.append(segment)
    if len(intro) != 1:
        raise _refuse(
            name,
            Text(
                f"的承诺条目之前应有一段开头语，实际有 {len(intro)} 段",
                f"one preamble paragraph should precede the points, found {len(intro)}",
            ),
        )
    if len(points) != len(letter.points):
        raise _refuse(
            name,
            Text(
                f"有 {len(points)} 条承诺，规则包中的“{letter.title.zh}”为 {len(letter.points)} 条",
                f"it has {len(points)} numbered points where the pack's letter has {len(letter.points)}",
            ),
        )
    if len(sign) != len(letter.sign):
        raise _refuse(
            name,
            Text(
                f"有 {len(sign)} 个签字/盖章行，规则包中为 {len(letter.sign)} 个",
                f"it has {len(sign)} signature/seal lines where the pack's letter has {len(letter.sign)}",
            ),
        )
    if any(not p for p in points) or any(len(t) > MAX_TEXT for t in [title, *intro, *points, *sign]):
        raise _refuse(name, Text("有空的或过长的承诺条目", "a point is empty or too long"))
    return LetterText(title=title, intro=intro[0], points=points, sign=sign)
