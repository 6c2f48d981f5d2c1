"""Get a verified GGUF file onto disk.

The default model ships as data packages whose files, concatenated in order, are the GGUF.
On first use we assemble it into the data folder, hashing as we copy. The file is written
under a temporary name and renamed only after its size and sha256 match, so a crash or a
full disk never leaves a half-written model that a later start would load. A small sidecar
records the verified size and mtime, so later starts do not re-hash half a gigabyte.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from desktop.core import paths
from desktop.core.local_models.catalog import Catalog, ModelSpec

Progress = Callable[[int, int], None]  # (bytes done, bytes total)
_CHUNK = 4 * 1024 * 1024
GGUF_MAGIC = b"GGUF"


class ModelFileError(Exception):
    """A model file is missing or wrong. The message always says how to fix it."""


@dataclass(frozen=True)
class ModelChoice:
    """The model to load: a path, plus its catalog entry when it has one."""

    path: Path
    spec: ModelSpec | None

    @property
    def display_name(self) -> str:
        return self.spec.name if self.spec else self.path.name


def locate_parts(spec: ModelSpec) -> list[Path]:
    """The installed part files, in order, found through package metadata without
    importing the part packages."""
    assert spec.source is not None
    found = []
    for package, relpath in spec.source.part_names():
        if paths.frozen():  # the build carries its models as files, never as packages
            raise ModelFileError(install_advice(spec))
        try:
            dist = metadata.distribution(package)
        except metadata.PackageNotFoundError:
            raise ModelFileError(
                f"The model '{spec.name}' is not installed: package {package} is missing. "
                f"Fix: {spec.install_hint}."
            ) from None
        path = Path(str(dist.locate_file(relpath)))
        if not path.is_file():
            raise ModelFileError(
                f"Package {package} is installed but has no {relpath}. "
                f"Fix: pip install --force-reinstall {package}=={spec.source.version}."
            )
        found.append(path)
    return found


def install_advice(spec: ModelSpec) -> str:
    """How to get a model that is not here, in this kind of install."""
    if paths.frozen():
        return (f"This build of Keystroke does not carry the model '{spec.name}'. Fix: add "
                "its GGUF file in Model → Manage Models… (Add GGUF file…), or rebuild with "
                "`python -m desktop.build --with-strong-model`.")
    return f"The model '{spec.name}' is not installed. Fix: {spec.install_hint}."


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _is_verified(path: Path, spec: ModelSpec) -> bool:
    try:
        record = json.loads(_marker(path).read_text())
        stat = path.stat()
    except (OSError, ValueError):
        return False
    return ((not spec.sha256 or record.get("sha256") == spec.sha256)
            and record.get("size") == stat.st_size
            and record.get("mtime_ns") == stat.st_mtime_ns)


def verify_again(path: Path) -> str:
    """Hash a verified file again: its size and time can stay while its bytes change (a
    bad disk sector, a tool that wrote into it). "" when it still matches, or when there is
    nothing to compare with; else what is wrong and the fix, and the file counts as
    unverified, so the next start rebuilds it from the installed parts."""
    try:
        expected = json.loads(_marker(path).read_text())["sha256"]
    except (OSError, ValueError, KeyError):
        return ""
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
    if digest.hexdigest() == expected:
        return ""
    _marker(path).unlink(missing_ok=True)
    return (f"The model file {path.name} is damaged: its contents changed after it was "
            "checked, so the model writes garbage. Fix: restart Keystroke; it rebuilds the "
            "file from the installed model package.")


def _write_marker(path: Path, sha256: str) -> None:
    stat = path.stat()
    _marker(path).write_text(json.dumps(
        {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))


def assemble(parts: list[Path], dest: Path, spec: ModelSpec,
             progress: Progress | None = None) -> Path:
    """Concatenate parts into dest, verifying size and sha256 before dest appears."""
    total = sum(p.stat().st_size for p in parts)
    if spec.size and total != spec.size:
        raise ModelFileError(
            f"The installed parts of '{spec.name}' add up to {total:,} bytes, expected "
            f"{spec.size:,}: a part is truncated or from another version. "
            f"Fix: pip install --force-reinstall the parts ({spec.install_hint})."
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    digest = hashlib.sha256()
    done = 0
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
            out.flush()
            os.fsync(out.fileno())
        if spec.sha256 and digest.hexdigest() != spec.sha256:
            raise ModelFileError(
                f"The assembled '{spec.name}' is corrupt (sha256 {digest.hexdigest()[:12]}…, "
                f"expected {spec.sha256[:12]}…). Fix: pip install --force-reinstall the parts "
                f"({spec.install_hint})."
            )
        os.replace(partial, dest)
    except OSError as exc:
        raise ModelFileError(
            f"Could not write the model to {dest}: {exc.strerror or exc}. Fix: free some disk "
            f"space or set KEYSTROKE_HOME to a writable folder with {total / 1e9:.1f} GB free."
        ) from exc
    finally:
        partial.unlink(missing_ok=True)
    _write_marker(dest, digest.hexdigest())
    return dest


def ensure_model_file(spec: ModelSpec, progress: Progress | None = None) -> Path:
    """The verified GGUF for a catalog model, assembling it on first use."""
    if spec.source is None:
        raise ModelFileError(f"'{spec.name}' has no file to install. Fix: {spec.install_hint}.")
    if bundled := paths.bundled_model(spec.file):
        return bundled
    dest = paths.models_dir() / spec.file
    if dest.exists() and _is_verified(dest, spec):
        return dest
    return assemble(locate_parts(spec), dest, spec, progress)


def is_installed(spec: ModelSpec) -> bool:
    """Is the model's file assembled, or are its parts installed? Cheap: nothing is hashed."""
    if spec.source is None:
        return False
    if paths.bundled_model(spec.file) or (paths.models_dir() / spec.file).is_file():
        return True
    try:
        locate_parts(spec)
    except ModelFileError:
        return False
    return True


def check_user_gguf(path: Path) -> Path:
    """A user's own GGUF: it must exist and carry the GGUF magic bytes."""
    path = path.expanduser()
    if not path.is_file():
        raise ModelFileError(
            f"Model file {path} does not exist. Fix: choose an existing .gguf file "
            "(Model → Use GGUF File…, or `--model PATH`).")
    with path.open("rb") as fh:
        if fh.read(4) != GGUF_MAGIC:
            raise ModelFileError(
                f"{path} is not a GGUF model file. Fix: choose a .gguf file (llama.cpp format).")
    return path


def resolve_model(catalog: Catalog, model: str = "", progress: Progress | None = None
                  ) -> ModelChoice:
    """Turn a model id, a path or nothing (the default) into a verified file on disk."""
    if model and (os.sep in model or model.endswith(".gguf") or Path(model).exists()):
        return ModelChoice(check_user_gguf(Path(model)), None)
    try:
        spec = catalog.get(model) if model else catalog.default
    except KeyError as exc:  # a typo in --model or in settings.json: say it, no traceback
        raise ModelFileError(f"{exc.args[0]} Fix: choose one in Model → Manage Models, or "
                             "pass `--model` a known id or a .gguf path.") from None
    return ModelChoice(ensure_model_file(spec, progress), spec)
