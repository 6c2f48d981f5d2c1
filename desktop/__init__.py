"""Keystroke: type a sentence, watch a working web app appear."""

__version__ = "0.1.0"
