"""Finished results by (instruction, base code, model): retyping or backspacing to an
instruction already generated shows its page at once, without a model call."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import replace

from desktop.core.generation.generate import GenerationResult


class ResultCache:
    def __init__(self, capacity: int = 256) -> None:
        self._items: OrderedDict[tuple[str, str, str], GenerationResult] = OrderedDict()
        self._capacity = capacity

    @staticmethod
    def key(instruction: str, base_code: str, model: str) -> tuple[str, str, str]:
        digest = hashlib.sha256(base_code.encode()).hexdigest()
        return (" ".join(instruction.split()), digest, model)

    def get(self, instruction: str, base_code: str, model: str) -> GenerationResult | None:
        key = self.key(instruction, base_code, model)
        result = self._items.get(key)
        if result is not None:
            self._items.move_to_end(key)
            return replace(result, from_cache=True)
        return None

    def put(self, instruction: str, base_code: str, model: str,
            result: GenerationResult) -> None:
        if not result.ok:
            return
        self._items[self.key(instruction, base_code, model)] = result
        self._items.move_to_end(self.key(instruction, base_code, model))
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)
