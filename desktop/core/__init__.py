"""Everything that is not a widget. Never imports PySide6 or desktop.ui (checked by
import-linter), so every feature can run headless from the CLI and the tests."""
