"""One editor per field kind of the pack (text, multiline, money, date, choice, year, bool,
phone, email, uscc, city). A :class:`Binding` pairs the input widget (whose objectName is the
contract path and whose accessible name is its label) with conversion to and from the value
stored in the draft. What people type (２０２３年７月１日, 123456元) becomes the stored value through
:mod:`forms.typed`, the function the draft and the JSON import use too."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from forms import typed
from forms.checks.amount_units import proposed_wan
from forms.pack import FieldSpec, Pack

from ..i18n import literal, tr

SEVERITY_COLOURS = {"error": "#c62828", "warning": "#9a5b00", "quiet": "#6b6b6b"}
_W = TypeVar("_W", bound=QWidget)


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

    def eventFilter(self, obj, event) -> bool:
        if isinstance(event, QFocusEvent) and event.type() == QFocusEvent.Type.FocusOut:
            self.binding.left.emit(self.binding.path)
        return False


class LineBinding(Binding):
    def __init__(
        self, path: str, spec: FieldSpec, container: QWidget | None = None, edit: QLineEdit | None = None
    ) -> None:
        edit = edit or QLineEdit()
        super().__init__(path, spec, edit, container)
        self.edit = edit
        edit.textEdited.connect(self._changed)
        edit.editingFinished.connect(lambda: self.left.emit(self.path))
        edit.editingFinished.connect(self.show_stored)
        if spec.max_chars is not None:  # typing stops at the pack's limit instead of failing on save
            edit.setMaxLength(spec.max_chars)
        if spec.kind == "money":
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setPlaceholderText(tr("单位：万元，例如 30 或 12.5；按元填写请加“元”"))
        elif spec.kind == "uscc":
            edit.setPlaceholderText(tr("18位，例如 91320000MA1XXXXXXX"))
        elif spec.kind == "email":
            edit.setPlaceholderText("name@example.com")

    def _show(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))
        self.edit.setCursorPosition(0)  # show the start of a long name, not its end

    def typed(self) -> typed.Typed:
        """The text as the draft stores it; raises ``typed.Refused`` for an impossible value."""
        return typed.typed(self.spec.kind, self.edit.text())

    def value(self) -> Any:
        try:
            value = self.typed().value
        except typed.Refused:
            value = self.edit.text()  # kept as typed, as the draft keeps it; the checks report it
        if self.spec.kind == "year" and isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        return value

    def show_stored(self) -> None:
        """On leaving the field: show what is stored (2023-07-01 for 2023年7月1日)."""
        value = self.value()
        shown = "" if value is None else str(value)
        if shown != self.edit.text() and not self._loading:
            self.edit.setText(shown)


class TypedBinding(LineBinding):
    """A date or an amount: what is typed is read at once (a note beside the input says how, or
    why it cannot be), and shown as stored when the field is left."""

    def __init__(self, path: str, spec: FieldSpec, lang: str, edit: QLineEdit | None = None) -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.row)
        edit = edit or QLineEdit()
        super().__init__(path, spec, box, edit)
        self.lang = lang
        self.row.addWidget(edit, 1)
        # The note (or the fix of MoneyBinding) sits beside the input in the form, so that its
        # appearing moves nothing below; in a table cell (payments.0.date), too narrow for
        # that, it goes under the input.
        in_table = any(part.isdigit() for part in path.split("."))
        self.line = self.row
        if in_table:
            self.line = QHBoxLayout()
            self.line.setContentsMargins(0, 0, 0, 0)
            column.addLayout(self.line)
        else:
            edit.setMinimumWidth(edit.fontMetrics().averageCharWidth() * 16)
        self.note = self._on_line(QLabel())
        self.note.setObjectName(f"{path}.note")
        self.note.setWordWrap(True)  # never widens the window: it wraps when space is short
        edit.textEdited.connect(self._read)

    def _on_line(self, item: _W) -> _W:
        item.hide()
        if isinstance(item, QLabel):
            self.line.addWidget(item, 1)  # a wrapped note takes the width it is given
        else:
            self.line.addWidget(item, 0, Qt.AlignmentFlag.AlignLeft)
        return item

    def _read(self, *_: Any) -> None:
        try:
            note = self.typed().note
        except typed.Refused as exc:
            self.show_note(exc.message(self.lang), "error")
            return
        if note is not None:
            self.show_note(note.get(self.lang))
        else:
            self.show_note("")

    def show_note(self, text: str, severity: str = "quiet") -> None:
        self.note.setText(text)
        self.note.setStyleSheet(f"color: {SEVERITY_COLOURS[severity]}")
        self.note.setProperty("severity", severity)
        self.note.setVisible(bool(text))

    def _show(self, value: Any) -> None:
        super()._show(value)
        self.show_note("")  # a note is about what was just typed


class MoneyBinding(TypedBinding):
    """万元, also typed with 元/万/万元 or thousands separators; an amount that looks typed in 元
    (the check ``amount.units``) gets a button that makes it 万元."""

    def __init__(self, path: str, spec: FieldSpec, lang: str) -> None:
        super().__init__(path, spec, lang)
        self.fix = QToolButton()
        self.fix.setObjectName(f"{path}.fix")
        self.fix.setAutoRaise(True)
        self.fix.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fix.setCursor(Qt.CursorShape.PointingHandCursor)
        self.fix.setStyleSheet(f"color: {SEVERITY_COLOURS['warning']}; text-decoration: underline")
        self.fix.clicked.connect(self.take_fix)
        self._on_line(self.fix)
        self.edited.connect(self._offer_fix)

    def _show(self, value: Any) -> None:
        super()._show(value)
        self._offer_fix()

    def _offer_fix(self, *_: Any) -> None:
        proposed = proposed_wan(self.value())
        if proposed is not None:
            self.fix.setText(tr("按元填写：改为 {value} 万元").format(value=proposed))
        self.fix.setVisible(proposed is not None)

    def take_fix(self) -> None:
        """The amount was typed in 元: store it as 万元 (the same reading as typing "…元")."""
        value = self.value()
        if proposed_wan(value) is None:
            return
        result = typed.typed("money", f"{value}元")
        self.edit.setText(str(result.value))
        self._changed()
        self._offer_fix()
        if result.note is not None:
            self.show_note(result.note.get(self.lang))
        self.left.emit(self.path)


class DateBinding(TypedBinding):
    """Dates typed as people write them (stored ISO; a draft may hold a half-typed date), with a
    calendar popup that opens in the category's contract window (``window``: a pack DateRule)."""

    def __init__(self, path: str, spec: FieldSpec, lang: str = "zh", window: Any = None) -> None:
        edit = QLineEdit()
        edit.setPlaceholderText(tr("年-月-日，例如 2023-07-01"))
        super().__init__(path, spec, lang, edit)
        self.window = window
        self.calendar: QCalendarWidget | None = None
        self.button = QToolButton()
        self.button.setText("…")
        self.button.setObjectName(f"{path}.calendar")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the date can be typed; the calendar is a mouse aid
        self.button.setToolTip(tr("从日历中选择"))
        self.button.clicked.connect(self._pick)
        self.row.insertWidget(1, self.button)  # the calendar beside the date, the note after it

    def _pick(self) -> None:
        calendar = QCalendarWidget(self.widget)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.destroyed.connect(self._calendar_gone)
        # month and day names in the UI's language, whatever the system locale
        english = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
        calendar.setLocale(english if self.lang == "en" else QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        value = self.value()
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is not None:
            calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        else:
            opening = typed.opening_day(self.window)
            if opening is not None:
                calendar.setCurrentPage(opening.year, opening.month)
        calendar.clicked.connect(lambda d: self._picked(calendar, d))
        calendar.move(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        self.calendar = calendar
        calendar.show()

    def _calendar_gone(self, *_: Any) -> None:
        self.calendar = None

    def _picked(self, calendar: QCalendarWidget, day: QDate) -> None:
        calendar.close()
        self.edit.setText(day.toString("yyyy-MM-dd"))
        self.show_note("")
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
        self.left.connect(self._show_stored)

    def _show_stored(self, *_: Any) -> None:
        """On leaving: show what is stored (full-width digits and letters folded)."""
        value = self.value()
        if value != self.edit.toPlainText():
            self.load(value)

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
        return typed.typed(self.spec.kind, self.edit.toPlainText()).value


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
        line = combo.lineEdit()
        assert line is not None  # an editable combo box has its line edit
        if spec.max_chars is not None:
            line.setMaxLength(spec.max_chars)
        combo.currentTextChanged.connect(self._changed)
        line.editingFinished.connect(lambda: self.left.emit(self.path))

    def _show(self, value: Any) -> None:
        self.combo.setCurrentText("" if value is None else str(value))

    def value(self) -> Any:
        return typed.typed(self.spec.kind, self.combo.currentText()).value


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


def make_binding(
    path: str, spec: FieldSpec, pack: Pack, lang: str, category: str | None, check_text: str = ""
) -> Binding:
    kind = spec.kind
    if kind == "multiline":
        binding: Binding = TextBinding(path, spec)
    elif kind == "date":
        binding = DateBinding(path, spec, lang, typed.window_of(pack, category, path))
    elif kind == "money":
        binding = MoneyBinding(path, spec, lang)
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
