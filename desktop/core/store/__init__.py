"""Everything the user made, in one SQLite database in the data folder.

Nothing is ever lost: every committed instruction is a version, every generation that
reached a model is a message with its tokens and cost, and the unsaved prompt and code are
kept as a draft within about a second of the last keystroke."""

from desktop.core.store.database import Store, StoreError

__all__ = ["Store", "StoreError"]
