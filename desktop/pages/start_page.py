"""The page shown without a draft: new application (by category), open, import JSON, the sample
and the recent drafts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from forms.pack import Pack

from .. import settings
from ..i18n import literal, tr
from ..widgets.editors import SEVERITY_COLOURS
from ..widgets.scrolling import scrolled_column
from .field_page import page_title


class StartPage(QWidget):
    """What to work on.

    Signals:
        new_requested(str): category id
        sample_requested(str): category id
        open_requested(): choose a draft file
        import_requested(): choose a JSON file
        recent_requested(object): a Path from the recent list
        office_requested(object): the research office's desk was opened (the DeskWindow)
    """

    new_requested = Signal(str)
    sample_requested = Signal(str)
    open_requested = Signal()
    import_requested = Signal()
    recent_requested = Signal(object)
    office_requested = Signal(object)

    def __init__(self, pack: Pack, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.setObjectName("start")
        layout = scrolled_column(self)
        layout.addWidget(page_title(tr("产学研申报助手")))
        intro = QLabel(
            pack.title.get(lang)
            + "\n"
            + tr("网上申报：{opens} 至 {closes}；纸质材料报送截止：{paper}").format(
                opens=pack.filing.opens.isoformat(),
                closes=pack.filing.closes.isoformat(),
                paper=pack.filing.paper_deadline.isoformat(),
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        columns = QHBoxLayout()
        layout.addLayout(columns)
        new_box = QGroupBox(tr("新建申请：选择项目类别"))
        new_layout = QVBoxLayout(new_box)
        self.category_group = QButtonGroup(self)
        for index, category in enumerate(pack.categories):
            radio = QRadioButton(
                tr("附件{annex}：{subtitle}").format(
                    annex=category.annex, subtitle=literal(category.subtitle.get(lang))
                )
            )
            radio.setObjectName(f"category.{category.id}")
            radio.setProperty("category", category.id)
            radio.setAccessibleDescription(category.blurb.get(lang))
            self.category_group.addButton(radio, index)
            new_layout.addWidget(radio)
            blurb = QLabel(category.blurb.get(lang))
            blurb.setWordWrap(True)
            blurb.setContentsMargins(22, 0, 0, 8)
            blurb.setStyleSheet(f"color: {SEVERITY_COLOURS['quiet']}")
            new_layout.addWidget(blurb)
        self.category_group.button(0).setChecked(True)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(tr("新建申请(&N)…"))
        self.new_button.setObjectName("start.new")
        self.new_button.clicked.connect(lambda: self.new_requested.emit(self.category()))
        self.sample_button = QPushButton(tr("打开示例(&E)"))
        self.sample_button.setObjectName("start.sample")
        self.sample_button.setToolTip(tr("打开所选类别的一份完整示例申请（副本），可随意修改"))
        self.sample_button.clicked.connect(lambda: self.sample_requested.emit(self.category()))
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.sample_button)
        buttons.addStretch(1)
        new_layout.addLayout(buttons)
        columns.addWidget(new_box, 3, Qt.AlignmentFlag.AlignTop)

        side = QVBoxLayout()
        columns.addLayout(side, 2)
        open_box = QGroupBox(tr("继续已有的申请"))
        open_layout = QVBoxLayout(open_box)
        self.open_button = QPushButton(tr("打开草稿(&O)…"))
        self.open_button.setObjectName("start.open")
        self.open_button.setToolTip(tr("也可打开他人发来的草稿：会先复制为您自己的工作文件"))
        self.open_button.clicked.connect(self.open_requested)
        self.import_button = QPushButton(tr("导入 JSON(&I)…"))
        self.import_button.setObjectName("start.import")
        self.import_button.clicked.connect(self.import_requested)
        open_layout.addWidget(self.open_button)
        open_layout.addWidget(self.import_button)
        side.addWidget(open_box)
        recent_box = QGroupBox(tr("最近的草稿(&R)"))
        recent_layout = QVBoxLayout(recent_box)
        self.recent_list = QListWidget()
        self.recent_list.setObjectName("start.recent")
        self.recent_list.setAccessibleName(tr("最近的草稿"))
        self.recent_list.itemActivated.connect(
            lambda item: self.recent_requested.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
        )
        recent_layout.addWidget(self.recent_list)
        self.recent_list.setMinimumHeight(160)
        side.addWidget(recent_box)
        office_box = QGroupBox(tr("科研管理部门"))
        office_layout = QVBoxLayout(office_box)
        office_note = QLabel(tr("汇总查看一个文件夹中收到的全部申请：检查、重复申报、打印。不会改动其中的文件。"))
        office_note.setWordWrap(True)
        office_note.setStyleSheet(f"color: {SEVERITY_COLOURS['quiet']}")
        self.office_button = QPushButton(tr("打开申请文件夹(&D)…"))
        self.office_button.setObjectName("start.office")
        self.office_button.clicked.connect(self.open_office)
        office_layout.addWidget(office_note)
        office_layout.addWidget(self.office_button)
        side.addWidget(office_box)
        columns.setAlignment(side, Qt.AlignmentFlag.AlignTop)
        layout.addStretch(1)
        self.refresh_recent()

    def open_office(self):
        """Choose a folder (through the window's prompter) and open the desk on it."""
        from ..office.desk import open_desk, own_services
        from ..services import Services

        services = getattr(self.window(), "services", None) or Services()
        folder = services.prompter.choose_folder(tr("选择存放申请的文件夹"), settings.data_dir())
        if folder is None:
            return None
        desk = open_desk(Path(folder), own_services(services), lang=getattr(self.window(), "lang", "zh"))
        self.office_requested.emit(desk)
        return desk

    def category(self) -> str:
        button = self.category_group.checkedButton()
        return button.property("category") if button else self.pack.categories[0].id

    def refresh_recent(self) -> None:
        self.recent_list.clear()
        recent = settings.recent_drafts()
        for path in recent:
            item = QListWidgetItem(f"{path.stem}\n{path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.recent_list.addItem(item)
        if not recent:
            item = QListWidgetItem(tr("（还没有草稿）"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent_list.addItem(item)
