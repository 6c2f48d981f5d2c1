"""The PySide6 window and everything that touches widgets or QtWebEngine."""
