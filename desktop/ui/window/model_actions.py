"""The Model menu and toolbar: loading the local model (with progress), which providers are
set up, the strong-model toggle, and the dialogs that change any of it. The keyring, the
disk and model loading all run off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.core.generation.generate import GenerationResult
from desktop.core.local_models.loading import (
    drafting_speed,
    open_local_provider,
    strong_drafts,
    wanted_model,
)
from desktop.core.local_models.speed import remember_speed_in_use
from desktop.core.providers import registry
from desktop.core.providers.base import Provider
from desktop.core.settings import Settings
from desktop.ui.dialogs.model_manager import ModelManager
from desktop.ui.dialogs.settings_dialog import SettingsDialog
from desktop.ui.generation.keystroke_loop import KeystrokeLoop
from desktop.ui.window.status_bar import StatusBar
from desktop.ui.workers import message_of, run_in_background

STRONG_TIP = ("When on, Enter asks the strong tier ({strong}) for the version you keep; "
              "typing still previews with the fast tier. Ctrl+Enter does this once.")
NO_STRONG_TIP = ("Set an Anthropic key in Model → Providers and Keys…, or install a local "
                 "strong model (Model → Manage Models…).")


class ModelActions(QObject):
    model_ready = Signal()  # the local model loaded (and is in use)
    model_failed = Signal(str)  # it could not load: why
    settings_saved = Signal()

    def __init__(self, window: QWidget, settings: Settings, loop: KeystrokeLoop,
                 status: StatusBar, notify: Callable[..., None],
                 model_override: str = "") -> None:
        super().__init__(window)
        self.window, self.settings, self.loop, self.status = window, settings, loop, status
        self.engine = loop.engine
        self.notify = notify
        self.model_override = model_override
        self.strong_toggle = QAction("Strong model on Enter", self, checkable=True)
        self.strong_toggle.toggled.connect(self._strong_toggled)
        loop.requests.reply_received.connect(self._reply_seen)

    # -- providers ---------------------------------------------------------------------------

    def refresh_providers(self) -> None:
        """Look up which providers can answer (the keyring may be slow), then route with
        what is there."""
        run_in_background(self, lambda _emit: self.engine.refresh(),
                          lambda _available: self._providers_found(), self._failed)

    def _providers_found(self) -> None:
        self.show_model_label()
        strong = self.strong_name()
        self.strong_toggle.setEnabled(bool(strong))
        if not strong:
            self.strong_toggle.setChecked(False)
        self.strong_toggle.setToolTip(STRONG_TIP.format(strong=strong) if strong
                                      else NO_STRONG_TIP)

    def strong_name(self) -> str:
        """What answers when Enter escalates now ("" when nothing stronger is set up)."""
        available = self.engine.router.available
        if "anthropic" in available:
            return f"Claude {self.settings.anthropic_model}"
        if "local-strong" in available:
            return f"{Path(wanted_model(self.settings, 'strong')).name}, local"
        return ""

    def show_model_label(self) -> None:
        fast, _why = self.engine.router.fast_tier()
        local = self.engine.local
        if fast == "local":
            text = f"Model: {local.model_name}" if local else "Local model"
        else:
            text = f"Fast: {registry.label(fast)} {registry.model_of(self.settings, fast)}"
        if strong := self.strong_name():
            text += f" · Strong: {strong}"
        self.status.model_label.setText(text)

    def _strong_toggled(self, on: bool) -> None:
        self.loop.want_strong = on
        self.status.show_route(f"{self.strong_name()} answers on Enter" if on else "")

    # -- dialogs -----------------------------------------------------------------------------

    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self.window)
        dialog.saved.connect(self._settings_saved)
        dialog.open()
        return dialog

    def _settings_saved(self) -> None:
        self.engine.breaker.reset()  # new keys or URLs deserve a fresh chance
        self.refresh_providers()
        self.status.state_label.setText("Settings saved")
        self.settings_saved.emit()

    def show_models(self) -> ModelManager:
        dialog = ModelManager(self.settings, self.engine.gate, self.window)
        dialog.tier_changed.connect(self._model_tier_changed)
        dialog.open()
        return dialog

    def _model_tier_changed(self, tier: str) -> None:
        """The model manager gave a tier another model (or other threads or context)."""
        if tier == "fast":
            self.model_override = ""
            self.load_model()
            return
        old = self.engine.pool.take("local-strong")  # loads again on the next escalation
        if old is not None:
            run_in_background(self, lambda _emit: old.close(), lambda _r: None, self._failed)
        self.refresh_providers()

    def choose_gguf(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Use a GGUF model file",
                                              str(Path.home()),
                                              "GGUF models (*.gguf);;All files (*)")
        if path:
            self.settings.model_path = path
            self._use_settings()

    def use_default_model(self) -> None:
        self.settings.model_path = ""
        self.settings.model_id = ""
        self._use_settings()

    def _use_settings(self) -> None:
        self.model_override = ""
        settings = self.settings
        run_in_background(self, lambda _emit: settings.save(), lambda _r: None,
                          lambda error: self.notify("Could not save the settings: "
                                                    f"{message_of(error)}", True))
        self.load_model()

    # -- the local model -----------------------------------------------------------------------

    def load_model(self) -> None:
        """Find, assemble and load the local model off the GUI thread, with progress."""
        old = self.engine.local
        self.loop.set_local(None)
        self.status.model_label.setText("Local model")
        self.status.busy("Preparing the local model…")
        settings, override, gate = self.settings, self.model_override, self.engine.gate

        def work(emit):
            if old is not None:
                old.close()
            return open_local_provider(
                settings, override, progress=lambda done, total: emit((done, total)),
                status=emit, gate=gate)

        job = run_in_background(self, work, self.provider_ready, self._model_failed)
        job.progressed.connect(self._model_progress)

    def _model_progress(self, update) -> None:
        if isinstance(update, str):
            self.status.busy(update)
            return
        done, total = update
        self.status.busy(f"Preparing the local model (first run only): {done / 1e6:,.0f} of "
                         f"{total / 1e6:,.0f} MB", done, total)

    def provider_ready(self, provider: Provider) -> None:
        automatic = strong_drafts(self.settings) and not self.model_override
        self.status.idle(f"Ready — the strong model drafts too: it writes "
                         f"{drafting_speed(self.settings):.0f} tokens/s here"
                         if automatic else "Ready — type what you want")
        self.loop.set_local(provider)
        self.show_model_label()
        self.model_ready.emit()

    def _model_failed(self, error: Exception) -> None:
        self.status.model_label.setText("No model")
        self.status.idle("The local model could not start")
        self.notify(message_of(error), True)
        self.model_failed.emit(message_of(error))

    def _reply_seen(self, _instruction: str, result: GenerationResult) -> None:
        """The local strong model's replies say how fast it writes here; once that is fast
        enough to draft (and no model was chosen for drafts), it drafts from the next
        start: reloading now would take the model away from the person typing."""
        if result.provider != "local-strong" or not result.ok:
            return
        settings = self.settings
        key = wanted_model(settings, "strong")
        drafted = strong_drafts(settings)
        if not remember_speed_in_use(settings, key, result.tokens_per_second,
                                     result.tokens_out,
                                     settings.threads_for(key, every_core=True)):
            return
        run_in_background(self, lambda _emit: settings.save(), lambda _r: None, self._failed)
        if strong_drafts(settings) and not drafted:
            written = settings.model_speed[key]["tokens_per_s"]
            self.notify(f"The strong model writes {written:.0f} tokens/s on this machine "
                        f"(about {drafting_speed(settings):.0f} with the threads drafts get): "
                        "fast enough to draft, and its drafts work more often. "
                        "It drafts from the next start (Model → Manage Models… to choose).",
                        False, lasting=True)  # the reply that told it would hide it

    def _failed(self, error: Exception) -> None:
        self.notify(message_of(error), True)
