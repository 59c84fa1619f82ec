"""The application's values as they are printed: money with separators, dates in Chinese,
choice labels of the category, yes/no; defaults (routing, letter names) applied."""

from __future__ import annotations

import re
from typing import Any

from forms.derive import format_money, money, with_defaults
from forms.layout import TEMPLATE_FIELD
from forms.model import flatten, pattern_of
from forms.pack import Pack

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class Values:
    """The application's values formatted for paper, defaults (routing, letter names) applied."""

    def __init__(self, data: dict[str, Any], pack: Pack) -> None:
        self.data = with_defaults(data)
        self.flat = flatten(self.data)
        self.pack = pack
        self.category = data.get("category")

    def text(self, path: str) -> str:
        value = self.flat.get(path)
        if value is None:
            return ""
        spec = self.pack.fields.get(pattern_of(path))
        kind = spec.kind if spec else "text"
        if kind == "money":
            amount = money(value)
            return format_money(amount) if amount is not None else str(value)
        if kind == "date" and isinstance(value, str):
            found = _ISO_DATE.match(value.strip())
            if found:
                year, month, day = found.groups()
                return f"{year}年{int(month)}月{int(day)}日"
        if kind == "bool" or isinstance(value, bool):
            return "是" if value else "否"
        if kind == "choice" and spec is not None:
            return self.pack.choice_labels(spec.choices or "", category=self.category).get(str(value), str(value))
        return str(value)

    def template(self, template: str) -> str:
        parts = {path: self.text(path) for path in TEMPLATE_FIELD.findall(template)}
        if not any(parts.values()):
            return ""
        return TEMPLATE_FIELD.sub(lambda m: parts[m.group(1)], template)

    def items(self, table: str) -> list[dict[str, Any]]:
        rows = self.data.get(table)
        return [row if isinstance(row, dict) else {} for row in rows] if isinstance(rows, list) else []

    def choice(self, path: str) -> list[tuple[str, bool]]:
        spec = self.pack.fields[path]
        chosen = self.flat.get(path)
        labels = self.pack.choice_labels(spec.choices or "", category=self.category)
        return [(label, key == chosen) for key, label in labels.items()]
