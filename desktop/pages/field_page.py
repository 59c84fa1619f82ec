"""The one page class for every field step of the pack: an editor per field of the step that
this draft's category fills, tables for ``<table>.*`` fields, help text, live messages."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from forms import derive
from forms.formats import count_chars
from forms.pack import LENGTH_RULES, Step

from ..i18n import literal, tr
from ..steps import StepMap
from ..widgets.editors import SEVERITY_COLOURS, Binding, make_binding
from ..widgets.messages import MessageLabel
from ..widgets.scrolling import scrolled_column
from ..widgets.table_editor import TableEditor

# A field whose length a pack rule limits gets a live counter; an optional field the output fills
# in when left empty shows that default as a placeholder (derive.DEFAULTS).


def page_title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    return label


class FieldPage(QWidget):
    """Shows one pack step; reports edits to the session and shows the session's issues."""

    def __init__(self, step: Step, session, step_map: StepMap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.key = step.key
        self.session = session
        self.step_map = step_map
        self.bindings: dict[str, Binding] = {}
        self.messages: dict[str, MessageLabel] = {}
        self.counters: dict[str, QLabel] = {}
        self.tables: dict[str, TableEditor] = {}
        lang = session.lang
        self.setObjectName(f"step.{step.key}")

        column = scrolled_column(self, flush=True)
        column.addWidget(page_title(step.get(lang)))
        self.page_message = MessageLabel()
        column.addWidget(self.page_message)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(2)  # each field's reserved message line already parts the rows
        column.addLayout(form)
        column.addStretch(1)

        category = session.pack.category(session.category)
        if category is not None and step.key == session.pack.steps[0].key:
            # The category is chosen on the start page; the first step says which one this is
            # (a label without a buddy shows "&" as it is: no literal()).
            shown = QLabel(
                tr("附件{annex}：{subtitle}").format(annex=category.annex, subtitle=category.subtitle.get(lang))
            )
            shown.setObjectName("category")
            shown.setAccessibleName(tr("申报类别"))
            form.addRow(QLabel(tr("申报类别")), shown)

        declarations = {f"declarations.{d.key}": d for d in session.pack.declarations}
        for pattern in step_map.fields.get(step.key, []):
            spec = session.fields[pattern]
            if "*" in pattern:
                table = pattern.split(".*.")[0]
                if table not in self.tables:
                    self._add_table(form, table)
                continue
            statement = declarations.get(pattern)
            binding = make_binding(
                pattern, spec, session.pack, lang, session.category, check_text=tr("确认属实") if statement else ""
            )
            box = QWidget()
            cell = QVBoxLayout(box)
            cell.setContentsMargins(0, 0, 0, 0)
            cell.setSpacing(2)
            if statement is not None:
                cell.addWidget(_note(statement.get(lang), "#000"))
            cell.addWidget(binding.container)
            if spec.help is not None:
                cell.addWidget(_note(spec.help.get(lang)))
            if pattern in LENGTH_RULES:
                counter = QLabel()
                counter.setObjectName(f"{pattern}.counter")
                self.counters[pattern] = counter
                cell.addWidget(counter)
            message = MessageLabel(one_line=True)
            message.setObjectName(f"{pattern}.message")
            self.messages[pattern] = message
            cell.addWidget(message)
            label = QLabel(literal(spec.label(lang)) + (" *" if spec.required else ""))
            label.setBuddy(binding.widget)
            form.addRow(label, box)
            binding.edited.connect(session.set)
            binding.edited.connect(self._edited)
            binding.left.connect(lambda _p: session.flush())
            self.bindings[pattern] = binding
        self.load()
        session.issues_changed.connect(self.show_issues)
        session.data_reset.connect(self.load)
        session.value_changed.connect(self._value_changed)
        self.show_issues()

    def _add_table(self, form: QFormLayout, table: str) -> None:
        spec = self.session.pack.tables[table]
        lang = self.session.lang
        columns = [(p, self.session.fields[p]) for p in self.step_map.fields[self.key] if p.startswith(table + ".*.")]
        title = page_title(spec.get(lang))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() / 1.2)
        title.setFont(font)
        form.addRow(title)
        if spec.help is not None:
            form.addRow(_note(spec.help.get(lang)))
        editor = TableEditor(table, columns, self.session)
        editor.rebuilt.connect(self.show_issues)
        self.tables[table] = editor
        form.addRow(editor)

    # -- values ---------------------------------------------------------------------------
    def load(self) -> None:
        for path, binding in self.bindings.items():
            binding.load(self.session.get(path))
        for editor in self.tables.values():
            editor.rebuild()
        self._update_counters()
        self._update_defaults()

    def _value_changed(self, path: str, value) -> None:
        """Show a value set elsewhere (another widget, an import, a script)."""
        binding = self.all_bindings().get(path)
        if binding is not None:
            if binding.value() != value and not (value is None and binding.value() in ("", None)):
                binding.load(value)
        elif path.split(".")[0] in self.tables:
            self.tables[path.split(".")[0]].rebuild()

    def _edited(self, path: str, _value) -> None:
        if path in LENGTH_RULES:
            self._update_counters()

    def all_bindings(self) -> dict[str, Binding]:
        found = dict(self.bindings)
        for editor in self.tables.values():
            found.update(editor.bindings)
        return found

    def _update_counters(self) -> None:
        for path, counter in self.counters.items():
            limit = self.session.pack.length_limit(path)
            text = self.session.get(path) or ""
            count = count_chars(str(text), limit.counting)
            rule = tr("不计空白字符") if limit.counting == "non_whitespace" else tr("含空白字符")
            counter.setText(
                tr("已输入 {count} / {limit} 字（{rule}）").format(count=count, limit=limit.max_chars, rule=rule)
            )
            over = count > limit.max_chars
            colour = SEVERITY_COLOURS[limit.severity] if over else SEVERITY_COLOURS["quiet"]
            counter.setStyleSheet(f"color: {colour}")
            counter.setProperty("over", over)

    def _update_defaults(self) -> None:
        data = None
        for path, derive_fn in derive.DEFAULTS.items():
            binding = self.bindings.get(path)
            if binding is None:
                continue
            if data is None:
                data = self.session.data()
            pruned = _without(data, path)
            value = derive_fn(pruned)
            widget: Any = binding.widget  # a line edit, text box or combo box: each has setPlaceholderText
            widget.setPlaceholderText(tr("留空则为：{value}").format(value=value) if value else "")

    # -- issues ---------------------------------------------------------------------------
    def show_issues(self) -> None:
        session = self.session
        shown: set[str] = set()
        for path, message in self.messages.items():
            issues = [i for i in session.issues_for(path) if not session.is_quiet(i)]
            message.show_lines([(i.severity, i.message) for i in issues], session.fields[path].label(session.lang))
            self.bindings[path].mark(message.severity, "")
            shown.add(path)
        for table, editor in self.tables.items():
            editor.show_issues()
            shown.add(table)
            shown.update(editor.bindings)
        rest = [
            i
            for i in session.issues
            if i.field not in shown and not session.is_quiet(i) and self.step_map.step_of(i.field) == self.key
        ]
        self.page_message.show_lines([(i.severity, i.message) for i in rest])
        self._update_counters()
        self._update_defaults()

    def focus_field(self, path: str) -> bool:
        binding = self.all_bindings().get(path)
        if binding is None:
            table = self.tables.get(path.split(".")[0])
            if table is None:
                return False
            table.add_button.setFocus()
            return True
        binding.widget.setFocus()
        parent = self.findChild(QScrollArea)
        if parent is not None:
            parent.ensureWidgetVisible(binding.container)
        return True

    def first_input(self) -> QWidget | None:
        bindings = self.all_bindings()
        return next(iter(bindings.values())).widget if bindings else None


def _note(text: str, colour: str = SEVERITY_COLOURS["quiet"]) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {colour}")
    return label


def _without(data: dict, path: str) -> dict:
    """``data`` with ``path`` removed, so a derive function shows the default, not the typed value."""
    parts = path.split(".")
    copy = {**data}
    node = copy
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            return copy
        node[part] = child = {**child}
        node = child
    node.pop(parts[-1], None)
    return copy
