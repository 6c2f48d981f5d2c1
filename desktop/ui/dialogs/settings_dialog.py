"""Settings → Providers: keys, base URLs and models for the cloud providers, how requests are
routed, and a "Test connection" that shows the model list or the exact error.

A key field is never filled with the key: it shows where the current key comes from, and
typing replaces it. Keys go to the keyring (keys.py), never to the settings file. Keyring
lookups, saving and testing run off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import keys
from desktop.core.providers import registry
from desktop.core.settings import Settings
from desktop.core.valtown import client as valtown
from desktop.ui.workers import message_of, run_in_background

SOURCES = {"keyring": "saved in the keyring", "session": "set for this session",
           "environment": "from the environment", "": "not set"}


@dataclass
class ProviderFields:
    key: QLineEdit
    base_url: QLineEdit
    model: QComboBox
    result: QLabel
    test: QPushButton


class SettingsDialog(QDialog):
    saved = Signal()
    tested = Signal(str, bool, str)  # provider id, ok, what to show

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings — Providers")
        self.setMinimumWidth(640)
        self.settings = settings
        self.fields: dict[str, ProviderFields] = {}
        layout = QVBoxLayout(self)
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet("color:#8a5a00")
        self.keyring_note.hide()
        layout.addWidget(self.keyring_note)
        tabs = QTabWidget()
        for row in registry.cloud():
            tabs.addTab(self._provider_box(row), row.tab)
        tabs.addTab(self._routing_box(), "Routing")
        tabs.addTab(self._completions_box(), "Completions")
        tabs.addTab(self._valtown_box(), "Val Town")
        layout.addWidget(tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._run(self._key_sources, self._show_key_sources)

    # -- building -------------------------------------------------------------------------

    def _key_sources(self, _emit) -> tuple[dict[str, str], str]:
        """Where each key comes from now (the keyring may be slow: off the GUI thread)."""
        sources = {pid: registry.key_for(pid, registry.configured_url(self.settings, pid)
                                         ).source for pid in self.fields}
        sources["valtown"] = valtown.stored_token().source
        return sources, keys.keyring_status(registry.env_key_names())

    def _provider_box(self, row: registry.ProviderSpec) -> QGroupBox:
        pid = row.id
        box = QGroupBox(row.title)
        outer = QVBoxLayout(box)
        form = QFormLayout()
        outer.addLayout(form)
        key = QLineEdit()
        key.setEchoMode(QLineEdit.EchoMode.Password)
        key.setPlaceholderText("checking…")
        base_url = QLineEdit(registry.configured_url(self.settings, pid))
        base_url.setPlaceholderText(f"{row.url_hint or row.default_url}  "
                                    f"(or {row.base_url_env_var})")
        model = QComboBox()
        model.setEditable(True)
        model.setCurrentText(registry.model_of(self.settings, pid))
        test = QPushButton("Test connection")
        result = QLabel()
        result.setWordWrap(True)
        # Room for a two-line error from the start: the dialog then never has to grow.
        result.setMinimumHeight(result.fontMetrics().lineSpacing() * 2 + 4)
        result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test.clicked.connect(lambda: self.test_connection(pid))
        form.addRow("API key" + ("" if row.needs_key else " (optional)"), key)
        form.addRow("Base URL", base_url)
        form.addRow("Model", model)
        if pid == "cerebras":
            self.prediction = QCheckBox("Send the current code as a Predicted Output on edits")
            self.prediction.setChecked(self.settings.cerebras_prediction)
            form.addRow("", self.prediction)
        row = QHBoxLayout()
        row.addWidget(test)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addWidget(result)  # below, full width: an exact error can be long
        self.fields[pid] = ProviderFields(key, base_url, model, result, test)
        return box

    def _routing_box(self) -> QGroupBox:
        box = QGroupBox("Routing")
        form = QFormLayout(box)
        self.fast = QComboBox()
        fast = registry.fast_cloud()
        names = ", else ".join(registry.spec(pid).tab for pid in fast)
        self.fast.addItem(f"Automatic: {names}, else local", "auto")
        self.fast.addItem("Always the local model", "local")
        for pid in fast:
            label = registry.label(pid)
            self.fast.addItem(label[0].upper() + label[1:], pid)
        self.fast.setCurrentIndex(max(0, self.fast.findData(self.settings.fast_provider)))
        self.escalate = QCheckBox("Send hard or failed requests to Claude when kept (Enter)")
        self.escalate.setChecked(self.settings.auto_escalate)
        self.auto_fix = QCheckBox("Fix what trying the app out finds, after Enter (two "
                                  "tries: fast, then strong; typing stops it)")
        self.auto_fix.setChecked(self.settings.auto_fix)
        self.cap = QDoubleSpinBox()
        self.cap.setRange(0, 10_000)
        self.cap.setPrefix("$ ")
        self.cap.setSpecialValueText("no cap")
        self.cap.setValue(self.settings.daily_spend_cap_usd)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(2, 300)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(self.settings.request_timeout_s)
        form.addRow("Fast tier (every keystroke)", self.fast)
        form.addRow("", self.escalate)
        form.addRow("", self.auto_fix)
        form.addRow("Daily spending cap for Claude", self.cap)
        form.addRow("Give up on a silent server after", self.timeout)
        return box

    def _completions_box(self) -> QGroupBox:
        box = QGroupBox("Completions in the code editor (Tab takes one, Esc dismisses it)")
        form = QFormLayout(box)
        s = self.settings
        self.completions = QCheckBox("Suggest code as grey text after a pause in typing")
        self.completions.setChecked(s.completions)
        self.completion_delay = QSpinBox()
        self.completion_delay.setRange(50, 2000)
        self.completion_delay.setSuffix(" ms")
        self.completion_delay.setValue(s.completion_delay_ms)
        self.completion_source = QComboBox()
        self.completion_source.addItem("The local model (offline)", "local")
        self.completion_source.addItem("The OpenAI-compatible server's completions route",
                                       "openai")
        self.completion_source.setCurrentIndex(
            max(0, self.completion_source.findData(s.completion_source)))
        self.completion_model = QLineEdit(s.completion_model)
        self.completion_model.setPlaceholderText("the server's model (default: the one in "
                                                 "the OpenAI-compatible tab)")
        form.addRow("", self.completions)
        form.addRow("Pause before suggesting", self.completion_delay)
        form.addRow("Suggestions from", self.completion_source)
        form.addRow("Server model", self.completion_model)
        return box

    def _valtown_box(self) -> QGroupBox:
        box = QGroupBox("Val Town (File → Export to Val Town…)")
        outer = QVBoxLayout(box)
        form = QFormLayout()
        outer.addLayout(form)
        self.valtown_token = QLineEdit()
        self.valtown_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.valtown_token.setPlaceholderText("checking…")
        self.valtown_url = QLineEdit(self.settings.valtown_base_url)
        self.valtown_url.setPlaceholderText("https://api.val.town  (or VAL_TOWN_BASE_URL)")
        form.addRow("API token", self.valtown_token)
        form.addRow("Base URL", self.valtown_url)
        hint = QLabel("Create a token at https://www.val.town/settings/api with val "
                      "read+write and user read.")
        hint.setWordWrap(True)
        outer.addWidget(hint)
        self.valtown_test = QPushButton("Test connection")
        self.valtown_test.clicked.connect(self.test_valtown)
        outer.addWidget(self.valtown_test)
        self.valtown_result = QLabel()
        self.valtown_result.setWordWrap(True)
        outer.addWidget(self.valtown_result)
        outer.addStretch(1)
        return box

    def test_valtown(self) -> None:
        typed, url = self.valtown_token.text().strip(), self.valtown_url.text().strip()
        self.valtown_test.setEnabled(False)
        self.valtown_result.setText("Connecting…")

        def work(_emit) -> str:
            client = valtown.ValTownClient(valtown.stored_token(typed).key,
                                           valtown.base_url(url), timeout_s=10)
            try:
                me = client.me()
            finally:
                client.close()
            return f"Signed in as {me.get('username')} ({me.get('tier') or 'free'} plan)."

        def done(ok: bool, text: str) -> None:
            self.valtown_test.setEnabled(True)
            self.valtown_result.setStyleSheet("color:#1d6b2f" if ok else "color:#8a1f11")
            self.valtown_result.setText(text)
            self.tested.emit("valtown", ok, text)

        self._run(work, lambda text: done(True, text),
                  lambda error: done(False, message_of(error)))

    def _show_key_sources(self, found: tuple[dict[str, str], str]) -> None:
        sources, keyring_note = found
        token_source = sources.pop("valtown")
        self.valtown_token.setPlaceholderText(
            f"{SOURCES[token_source]} — type to replace" if token_source else
            f"not set — paste a token, or set {valtown.TOKEN_ENV_VAR}")
        for pid, source in sources.items():
            self.fields[pid].key.setPlaceholderText(
                f"{SOURCES[source]} — type to replace" if source else
                f"not set — paste a key, or set {registry.spec(pid).key_env_var}")
        self.keyring_note.setText(keyring_note)
        self.keyring_note.setVisible(bool(keyring_note))

    # -- testing and saving ----------------------------------------------------------------

    def _typed(self, pid: str) -> tuple[str, str, str]:
        f = self.fields[pid]
        return f.key.text().strip(), f.base_url.text().strip(), f.model.currentText().strip()

    def test_connection(self, pid: str) -> None:
        """List the provider's models with what is typed (or the saved key)."""
        typed_key, url, model = self._typed(pid)
        f = self.fields[pid]
        f.test.setEnabled(False)
        f.result.setStyleSheet("")
        f.result.setText("Connecting…")
        timeout = self.timeout.value()

        trial = replace(self.settings, request_timeout_s=timeout)

        def work(_emit) -> list[str]:
            provider = registry.make_provider(pid, registry.key_for(pid, url, typed_key).key,
                                              registry.base_url(pid, url), model or "-", trial)
            try:
                return provider.list_models()
            finally:
                provider.close()

        self._run(work, lambda models: self._tested(pid, True, models),
                  lambda error: self._tested(pid, False, message_of(error)))

    def _tested(self, pid: str, ok: bool, outcome) -> None:
        f = self.fields[pid]
        f.test.setEnabled(True)
        if not ok:
            f.result.setStyleSheet("color:#8a1f11")
            f.result.setText(outcome)
            self.tested.emit(pid, False, outcome)
            return
        chosen = f.model.currentText().strip()
        f.model.clear()
        f.model.addItems(outcome)
        f.model.setCurrentText(chosen or (outcome[0] if outcome else ""))
        text = f"Connected: {len(outcome)} models."
        if chosen and chosen not in outcome:
            text += f" '{chosen}' is not among them: pick one from the list."
        f.result.setStyleSheet("color:#1d6b2f" if chosen in outcome else "color:#8a5a00")
        f.result.setText(text)
        self.tested.emit(pid, True, text)

    def save(self) -> None:
        s = self.settings
        for pid, f in self.fields.items():
            setattr(s, registry.spec(pid).base_url_setting, f.base_url.text().strip())
            registry.set_model(s, pid, f.model.currentText().strip())
        s.cerebras_prediction = self.prediction.isChecked()
        s.fast_provider = self.fast.currentData()
        s.auto_escalate = self.escalate.isChecked()
        s.auto_fix = self.auto_fix.isChecked()
        s.daily_spend_cap_usd = self.cap.value()
        s.request_timeout_s = self.timeout.value()
        s.valtown_base_url = self.valtown_url.text().strip()
        s.completions = self.completions.isChecked()
        s.completion_delay_ms = self.completion_delay.value()
        s.completion_source = self.completion_source.currentData()
        s.completion_model = self.completion_model.text().strip()
        typed = {pid: f.key.text().strip() for pid, f in self.fields.items()
                 if f.key.text().strip()}
        if self.valtown_token.text().strip():
            typed["valtown"] = self.valtown_token.text().strip()

        def work(_emit) -> None:
            for pid, key in typed.items():
                keys.save(pid, key)
            s.save()

        self._run(work, lambda _r: self._saved(), self._save_failed)

    def _saved(self) -> None:
        self.saved.emit()
        self.accept()

    def _save_failed(self, error: Exception) -> None:
        self.keyring_note.setText(f"Could not save the settings: {message_of(error)}")
        self.keyring_note.show()

    def _run(self, work, on_success, on_failure=None) -> None:
        run_in_background(self, work, on_success, on_failure or (lambda _error: None))
