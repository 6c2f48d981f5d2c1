"""The one place that prepares Qt and QtWebEngine before a QApplication exists.

QtWebEngine reads its flags from the environment at start-up, and custom URL schemes must
be registered before the application object is created; doing both here keeps the GUI,
the headless commands and the tests identical.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtWebEngineCore import QWebEngineUrlScheme

PREVIEW_SCHEME = b"keystroke"
_registered = False


def prepare_environment(headless: bool = False) -> None:
    if headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Chromium refuses to run its sandbox as root; the preview still gets its own
    # off-the-record profile with no file access (see preview.py).
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    for flag in ("--disable-background-networking", "--disable-component-update",
                 "--log-level=3"):
        if flag not in flags:
            flags = f"{flags} {flag}".strip()
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags
    os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.info=false;qt.rhi.*=false")
    from desktop.core import keys
    from desktop.core.providers import registry
    from desktop.core.valtown.client import TOKEN_ENV_VAR

    keys.hide_environment_keys([*(row.key_env_var for row in registry.cloud() if row.key_env_var),
                                TOKEN_ENV_VAR])
    register_preview_scheme()


def register_preview_scheme() -> None:
    global _registered
    if _registered:
        return
    scheme = QWebEngineUrlScheme(PREVIEW_SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme
                    | QWebEngineUrlScheme.Flag.CorsEnabled)
    QWebEngineUrlScheme.registerScheme(scheme)
    _registered = True


def make_application(argv: list[str] | None = None, headless: bool = False):
    """The QApplication, created once, with everything above done first."""
    prepare_environment(headless)
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationName("Keystroke")
        app.setOrganizationName("Keystroke")
        app.setDesktopFileName("keystroke")  # resources/keystroke.desktop
        app.setWindowIcon(app_icon())
        # Pool threads mostly wait on a model's queue; with one per core (2 here) a
        # superseded stream that is still winding down could hold up a file save.
        QThreadPool.globalInstance().setMaxThreadCount(max(8, os.cpu_count() or 1))
    return app


def app_icon():
    """Keystroke's icon (resources/icons), for the window and the task bar."""
    from PySide6.QtGui import QIcon

    from desktop.core import paths

    return QIcon(str(paths.resources_dir() / "icons" / "keystroke.png"))
