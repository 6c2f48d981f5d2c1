"""`keystroke snapshot FILE` shows FILE (the project that opened afterwards used to cover it
with the welcome page)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage

from desktop.cli.main import main


def test_snapshot_shows_the_file(tmp_path, capsys):
    page = tmp_path / "magenta.html"
    page.write_text("<!DOCTYPE html><html><body style='margin:0;background:#ff00ff'>"
                    "<div style='height:2000px'></div></body></html>", encoding="utf-8")
    out = tmp_path / "window.png"
    assert main(["snapshot", str(page), "-o", str(out)]) == 0
    image = QImage(str(out))
    assert not image.isNull()
    preview_pixel = image.pixelColor(image.width() - 100, image.height() // 2)
    assert preview_pixel == QColor("#ff00ff"), preview_pixel.name()
