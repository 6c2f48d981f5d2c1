"""Model → Manage Models…: the local models, what they need, how fast they run here, and
which tier each serves.

The table lists the catalogued models and the GGUF files the user added, with size,
context, the speed measured on this machine (a quick built-in benchmark, kept in the
settings), a fit label from the memory available now, and the tier. Below it, the selected
model's threads and context size (settings per model) and the buttons that give it a tier.
Measuring runs off the GUI thread and through the shared gate, so it never competes with a
model that is generating.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.local_models.catalog import load_catalog
from desktop.core.local_models.files import check_user_gguf, resolve_model
from desktop.core.local_models.inventory import ModelEntry, fit, inventory
from desktop.core.local_models.loading import (
    DRAFTING_TOKENS_PER_S,
    drafting_speed,
    strong_drafts,
    wanted_model,
)
from desktop.core.local_models.speed import measure_speed
from desktop.core.providers import memory
from desktop.core.providers.local_gate import LocalGate
from desktop.core.settings import Settings
from desktop.ui.workers import message_of, run_in_background

COLUMNS = ("Model", "Size", "Context", "Speed here", "Memory", "Tier")
TIER_NAMES = {"fast": "drafts (fast)", "strong": "Enter (strong)"}
RELOAD_DELAY_MS = 700
FIT_COLORS = {"fits": "#1b6e20", "may be slow": "#8a5a00", "won't fit": "#8a1f11"}


class ModelManager(QDialog):
    tier_changed = Signal(str)  # "fast" or "strong": that tier must load its model again
    refreshed = Signal()  # the table shows the models as they are now
    saved = Signal()  # the settings file holds the change

    def __init__(self, settings: Settings, gate: LocalGate,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(900, 480)
        self.settings, self.gate = settings, gate
        self.entries: list[ModelEntry] = []
        self._measuring: set[str] = set()
        self._refreshes = 0  # only the newest refresh is shown
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selected)
        self.memory_label = QLabel()
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color:#556")
        self.threads = QSpinBox(minimum=0, maximum=64, specialValueText="automatic")
        self.context = QSpinBox(minimum=512, maximum=131072, singleStep=1024)
        self.threads.valueChanged.connect(self._options_edited)
        self.context.valueChanged.connect(self._options_edited)
        # Stepping through a spin box must not reload a model at every step.
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self._reload_edited)
        self._edited_tiers: set[str] = set()
        self.use_fast = QPushButton("Use for drafts")
        self.use_strong = QPushButton("Use on Enter (strong)")
        self.measure = QPushButton("Measure speed")
        self.use_fast.clicked.connect(lambda: self._assign("fast"))
        self.use_strong.clicked.connect(lambda: self._assign("strong"))
        self.measure.clicked.connect(self._measure)
        add = QPushButton("Add GGUF file…")
        add.clicked.connect(self.add_gguf)
        no_strong = QPushButton("No local strong model")
        no_strong.setToolTip("Enter then escalates only to Claude (when it has a key).")
        no_strong.clicked.connect(self._no_strong)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)

        form = QFormLayout()
        form.addRow("Threads:", self.threads)
        form.addRow("Context (tokens):", self.context)
        actions = QHBoxLayout()
        for button in (self.use_fast, self.use_strong, self.measure):
            actions.addWidget(button)
        actions.addStretch()
        bottom = QHBoxLayout()
        bottom.addWidget(add)
        bottom.addWidget(no_strong)
        bottom.addStretch()
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.memory_label)
        layout.addWidget(self.table)
        layout.addWidget(self.notes)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addLayout(bottom)
        self.memory_label.setText("Reading the models…")
        self.refresh(select=None)

    # -- the table ------------------------------------------------------------------------

    def refresh(self, select: str | None = "") -> None:
        """Read the catalog, the files and the package metadata off the GUI thread, then
        show them. `select`: the key to select after ("": keep the selection; None: the
        first row)."""
        keep = self.current().key if select == "" and self.current() else select
        settings = self.settings
        self._refreshes += 1
        number = self._refreshes
        run_in_background(
            self, lambda _emit: (inventory(settings), memory.available_bytes()),
            lambda found: self._show_entries(*found, keep) if number == self._refreshes
            else None,
            lambda error: self.notes.setText(f"Could not read the models: {message_of(error)}"))

    def _show_entries(self, entries: list[ModelEntry], available: int | None,
                      select: str | None) -> None:
        self.entries = entries
        self.memory_label.setText(
            f"Memory available now: {available / 2**30:.1f} GB" if available is not None
            else "This system does not say how much memory is available.")
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            label = fit(entry, self.settings, available) if entry.installed else "not installed"
            cells = (entry.name, _size(entry.size),
                     f"{self.settings.context_for(entry.key):,} of {entry.context_length:,}"
                     if entry.context_length else f"{self.settings.context_for(entry.key):,}",
                     self._speed_text(entry), label,
                     self._tier_text(entry))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 4 and label in FIT_COLORS:
                    item.setForeground(QColor(FIT_COLORS[label]))
                if column == 0:
                    item.setToolTip(entry.key)
                self.table.setItem(row, column, item)
        if select is None and self.table.rowCount():
            self.table.selectRow(0)
        elif select:
            self.select(select)
        self.refreshed.emit()

    def _speed_text(self, entry: ModelEntry) -> str:
        if entry.key in self._measuring:
            return "measuring…"
        speed = self.settings.model_speed.get(entry.key)
        if not speed:
            return "not measured"
        if "prompt_per_s" not in speed:  # seen in real requests, not measured here
            return f"{speed['tokens_per_s']:.0f} tok/s in use ({speed['threads']} thr)"
        return (f"{speed['tokens_per_s']:.0f} tok/s · prompt {speed['prompt_per_s']:.0f}/s "
                f"({speed['threads']} thr)")

    def _tier_text(self, entry: ModelEntry) -> str:
        automatic = strong_drafts(self.settings)
        return ", ".join("drafts (automatic: fast enough here)" if tier == "fast" and automatic
                         else TIER_NAMES[tier] for tier in entry.tiers) or "—"

    def current(self) -> ModelEntry | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.entries[rows[0].row()] if rows else None

    def select(self, key: str) -> None:
        for row, entry in enumerate(self.entries):
            if entry.key == key:
                self.table.selectRow(row)

    def _selected(self) -> None:
        entry = self.current()
        enabled = entry is not None and entry.installed
        for widget in (self.use_fast, self.use_strong, self.measure, self.threads,
                       self.context):
            widget.setEnabled(enabled)
        if entry is None:
            return
        self.notes.setText(entry.notes)
        self.measure.setEnabled(enabled and entry.key not in self._measuring)
        options = self.settings.model_options.get(entry.key, {})
        for box, name, fallback in ((self.threads, "threads", 0),
                                    (self.context, "context_length",
                                     self.settings.context_length)):
            box.blockSignals(True)
            box.setValue(int(options.get(name, fallback)))
            box.blockSignals(False)
        if entry.context_length:
            self.context.setMaximum(entry.context_length)

    # -- changes --------------------------------------------------------------------------

    def _options_edited(self) -> None:
        entry = self.current()
        if entry is None:
            return
        self.settings.model_options[entry.key] = {"threads": self.threads.value(),
                                                  "context_length": self.context.value()}
        self._save()
        self.refresh()
        self._edited_tiers.update(entry.tiers)
        self._reload_timer.start()

    def _reload_edited(self) -> None:
        for tier in sorted(self._edited_tiers):
            self.tier_changed.emit(tier)
        self._edited_tiers.clear()

    def _assign(self, tier: str) -> None:
        entry = self.current()
        if entry is None:
            return
        is_file = entry.is_file
        if tier == "fast":
            self.settings.model_path = entry.key if is_file else ""
            self.settings.model_id = "" if is_file else entry.key
        else:
            self.settings.strong_model_path = entry.key if is_file else ""
            self.settings.strong_model_id = "" if is_file else entry.key
        self._save()
        self.refresh()
        self.tier_changed.emit(tier)

    def _no_strong(self) -> None:
        self.settings.strong_model_path = self.settings.strong_model_id = ""
        self._save()
        self.refresh()
        self.tier_changed.emit("strong")

    def add_gguf(self, path: str = "") -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Add a GGUF model file", str(Path.home()),
                                                  "GGUF models (*.gguf);;All files (*)")
        if path:  # reading its header is disk work: off the GUI thread
            run_in_background(self, lambda _emit: check_user_gguf(Path(path)),
                              lambda _ok: self._added(path),
                              lambda error: self.notes.setText(message_of(error)))

    def _added(self, path: str) -> None:
        if path not in self.settings.added_models:
            self.settings.added_models.append(path)
            self._save()
        self.refresh(select=path)

    def _save(self) -> None:
        settings = self.settings
        run_in_background(self, lambda _emit: settings.save(), lambda _r: self.saved.emit(),
                          lambda error: self.notes.setText(
                              f"Could not save the settings: {message_of(error)}"))

    def _measure(self) -> None:
        entry = self.current()
        if entry is None:
            return
        key, settings, gate = entry.key, self.settings, self.gate
        # The threads the model gets when it works: every core for the strong tier.
        threads = settings.threads_for(key, every_core="strong" in entry.tiers)
        n_ctx = settings.context_for(key)

        def work(_emit):
            path = resolve_model(load_catalog(), key).path  # may assemble it (first use)
            return measure_speed(path, threads, min(n_ctx, 4096), gate)

        self._measuring.add(key)
        self.refresh()
        self._selected()
        run_in_background(self, work, lambda speed: self._measured(key, speed),
                          lambda error: self._measure_failed(key, message_of(error)))

    def _measured(self, key: str, speed) -> None:
        self._measuring.discard(key)
        drafting = wanted_model(self.settings, "fast")
        self.settings.model_speed[key] = {"tokens_per_s": round(speed.tokens_per_s, 1),
                                          "prompt_per_s": round(speed.prompt_per_s, 1),
                                          "threads": speed.threads}
        self._save()
        self.refresh()
        self._selected()
        if wanted_model(self.settings, "fast") != drafting:  # the strong model drafts, or no
            self.notes.setText(
                f"Drafts now come from {'this' if strong_drafts(self.settings) else 'the default'}"
                f" model: the strong model writes {drafting_speed(self.settings):.0f} tokens/s "
                f"here with the drafting threads (it drafts from {DRAFTING_TOKENS_PER_S:.0f}).")
            self.tier_changed.emit("fast")

    def _measure_failed(self, key: str, message: str) -> None:
        self._measuring.discard(key)
        self.refresh()
        self.notes.setText(f"Could not measure: {message}")


def _size(size: int) -> str:
    if not size:
        return "—"
    return f"{size / 2**30:.2f} GB" if size >= 2**30 else f"{size / 2**20:.0f} MB"
