"""One editor per field kind of the pack (text, multiline, money, date, choice, year, bool,
phone, email, uscc, city). A :class:`Binding` pairs the input widget (whose objectName is the
contract path and whose accessible name is its label) with conversion to and from the value
stored in the draft."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from forms.pack import FieldSpec, Pack

from ..i18n import literal, tr

SEVERITY_COLOURS = {"error": "#c62828", "warning": "#9a5b00", "quiet": "#6b6b6b"}


class Binding(QObject):
    """A field's input widget and its value conversion.

    Signals:
        edited(str, object): the user changed the value (path, new value)
        left(str): the user left the field (commit now)
    """

    edited = Signal(str, object)
    left = Signal(str)

    def __init__(self, path: str, spec: FieldSpec, widget: QWidget, container: QWidget | None = None) -> None:
        super().__init__(widget)
        self.path = path
        self.spec = spec
        self.widget = widget
        self.container = container or widget
        self._loading = False
        widget.setObjectName(path)

    def load(self, value: Any) -> None:
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def _changed(self, *_: Any) -> None:
        if not self._loading:
            self.edited.emit(self.path, self.value())

    def _show(self, value: Any) -> None:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def value(self) -> Any:  # pragma: no cover
        raise NotImplementedError

    def mark(self, severity: str | None, message: str = "") -> None:
        """Outline the input by severity (tables show no message line per cell)."""
        self.widget.setProperty("severity", severity or "")
        self.widget.setToolTip(message)
        style = self.widget.style()
        style.unpolish(self.widget)
        style.polish(self.widget)


class _LeaveFilter(QObject):
    def __init__(self, binding: Binding) -> None:
        super().__init__(binding)
        self.binding = binding

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if isinstance(event, QFocusEvent) and event.type() == QFocusEvent.Type.FocusOut:
            self.binding.left.emit(self.binding.path)
        return False


class LineBinding(Binding):
    def __init__(self, path: str, spec: FieldSpec, container: QWidget | None = None, edit: QLineEdit | None = None) -> None:
        edit = edit or QLineEdit()
        super().__init__(path, spec, edit, container)
        self.edit = edit
        edit.textEdited.connect(self._changed)
        edit.editingFinished.connect(lambda: self.left.emit(self.path))
        if spec.max_chars is not None:  # typing stops at the pack's limit instead of failing on save
            edit.setMaxLength(spec.max_chars)
        if spec.kind == "money":
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setPlaceholderText(tr("单位：万元，例如 30 或 12.5"))
        elif spec.kind == "uscc":
            edit.setPlaceholderText(tr("18位，例如 91320000MA1XXXXXXX"))
        elif spec.kind == "email":
            edit.setPlaceholderText("name@example.com")

    def _show(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))
        self.edit.setCursorPosition(0)  # show the start of a long name, not its end

    def value(self) -> Any:
        text = self.edit.text()
        if self.spec.kind == "uscc":
            return text.strip().upper()
        if self.spec.kind == "year" and text.strip().isdigit():
            return int(text.strip())
        return text


class DateBinding(LineBinding):
    """ISO dates typed as text (a draft may hold a half-typed date), with a calendar popup."""

    def __init__(self, path: str, spec: FieldSpec) -> None:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        edit = QLineEdit()
        edit.setPlaceholderText(tr("年-月-日，例如 2023-07-01"))
        super().__init__(path, spec, box, edit)
        button = QToolButton(text="…")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the date can be typed; the calendar is a mouse aid
        button.setToolTip(tr("从日历中选择"))
        button.clicked.connect(self._pick)
        row.addWidget(edit, 1)
        row.addWidget(button)

    def _pick(self) -> None:
        calendar = QCalendarWidget(self.widget, windowFlags=Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        try:
            day = dt.date.fromisoformat(self.edit.text().strip())
            calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        except ValueError:
            pass
        calendar.clicked.connect(lambda d: self._picked(calendar, d))
        calendar.move(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        calendar.show()

    def _picked(self, calendar: QCalendarWidget, day: QDate) -> None:
        calendar.close()
        self.edit.setText(day.toString("yyyy-MM-dd"))
        self._changed()
        self.left.emit(self.path)


class TextBinding(Binding):
    def __init__(self, path: str, spec: FieldSpec) -> None:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(110)
        edit.setMaximumHeight(170)
        super().__init__(path, spec, edit)
        self.edit = edit
        edit.textChanged.connect(self._changed)
        edit.installEventFilter(_LeaveFilter(self))

    def _changed(self, *_: Any) -> None:
        # QPlainTextEdit has no maxLength: cut what was typed or pasted past the pack's limit.
        limit = self.spec.max_chars
        text = self.edit.toPlainText()
        if limit is not None and len(text) > limit and not self._loading:
            cursor = self.edit.textCursor()
            position = min(cursor.position(), limit)
            self.edit.blockSignals(True)
            self.edit.setPlainText(text[:limit])
            self.edit.blockSignals(False)
            cursor = self.edit.textCursor()
            cursor.setPosition(position)
            self.edit.setTextCursor(cursor)
        super()._changed()

    def _show(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))

    def value(self) -> Any:
        return self.edit.toPlainText()


class ChoiceBinding(Binding):
    def __init__(self, path: str, spec: FieldSpec, options: dict[str, str]) -> None:
        combo = QComboBox()
        combo.addItem(tr("（请选择）"), None)
        for key, label in options.items():
            combo.addItem(label, key)
        super().__init__(path, spec, combo)
        self.combo = combo
        combo.currentIndexChanged.connect(self._changed)

    def _show(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        if index < 0:  # a value from an imported file that is not an option: keep it visible
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def value(self) -> Any:
        return self.combo.currentData()


class CityBinding(Binding):
    """The pack's cities to pick from, but free text too (an enterprise outside the province is
    the checks' business, not the widget's)."""

    def __init__(self, path: str, spec: FieldSpec, cities: list[str]) -> None:
        combo = QComboBox(editable=True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(["", *cities])
        super().__init__(path, spec, combo)
        self.combo = combo
        if spec.max_chars is not None:
            combo.lineEdit().setMaxLength(spec.max_chars)
        combo.currentTextChanged.connect(self._changed)
        combo.lineEdit().editingFinished.connect(lambda: self.left.emit(self.path))

    def _show(self, value: Any) -> None:
        self.combo.setCurrentText("" if value is None else str(value))

    def value(self) -> Any:
        return self.combo.currentText()


class BoolBinding(Binding):
    def __init__(self, path: str, spec: FieldSpec, text: str) -> None:
        box = QCheckBox(literal(text))
        super().__init__(path, spec, box)
        self.box = box
        box.toggled.connect(self._changed)

    def _show(self, value: Any) -> None:
        self.box.setChecked(value is True)

    def value(self) -> Any:
        # A declaration is either ticked or not given; other yes/no fields keep an explicit "no".
        if self.box.isChecked():
            return True
        return None if self.spec.declaration else False


def make_binding(path: str, spec: FieldSpec, pack: Pack, lang: str, category: str | None,
                 check_text: str = "") -> Binding:
    kind = spec.kind
    if kind == "multiline":
        binding: Binding = TextBinding(path, spec)
    elif kind == "date":
        binding = DateBinding(path, spec)
    elif kind == "choice":
        binding = ChoiceBinding(path, spec, pack.choice_labels(spec.choices or "", lang, category))
    elif kind == "city":
        binding = CityBinding(path, spec, list(pack.province.cities))
    elif kind == "bool":
        binding = BoolBinding(path, spec, check_text or spec.label(lang))
    else:
        binding = LineBinding(path, spec)
    binding.widget.setAccessibleName(spec.label(lang))
    if spec.help is not None:
        binding.widget.setAccessibleDescription(spec.help.get(lang))
    return binding
