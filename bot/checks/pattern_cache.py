"""Compile the engine's largest regexes once per machine instead of at every start.

Parsing and compiling the cue scan (one regex of about 550 KB, see ``matcher.py``) is most of
the engine's start: 1.3 of 2 s. What ``re`` makes of a pattern is a program, a list of
integers that depends only on the pattern, its flags and the interpreter's regex engine. The
first start stores that program in the cache directory under the pattern's hash; later
starts hand it straight to ``_sre.compile``, which checks it before use, as
``re.compile`` itself does.

``_sre`` is CPython's internal module, so every step falls back to ``re.compile``: another
interpreter or regex engine version, a missing, unreadable, truncated or altered file, a
read-only or unusable directory. A file is named by the hash of the pattern, flags and
engine version together, and carries the hash of its program, so a stale or damaged file is
never used. Writes go to a temporary file renamed into place, so bots starting together
never read half a file.
"""

from __future__ import annotations

import array
import contextlib
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_FORMAT = b"safetybot-regex-program 1\n"
# Patterns shorter than this compile in a few milliseconds: not worth a file.
MIN_CACHED_LENGTH = 20_000
# Programs kept in the directory (the engine stores one; more are kept for other Pythons
# and for rule packs being edited).
KEEP_FILES = 6
# CODESIZE is the width of one program word; _sre refuses programs of another width.
_TYPECODES = {2: "H", 4: "I", 8: "Q"}


def cache_directory(setting: str) -> Path | None:
    """The cache directory a ``SAFETYBOT_CACHE_DIR`` value names: ``off`` disables the
    cache, empty means ``$XDG_CACHE_HOME/safetybot``, else ``~/.cache/safetybot``."""
    chosen = setting.strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "safetybot"


def default_directory() -> Path | None:
    """The cache directory ``SAFETYBOT_CACHE_DIR`` names in the environment."""
    return cache_directory(os.environ.get("SAFETYBOT_CACHE_DIR", ""))


def _internals() -> tuple[Any, Any, Any] | None:
    """CPython's regex engine, compiler and parser, or None where they are not usable."""
    try:
        import _sre
        from re import _compiler, _parser  # type: ignore[attr-defined]
    except ImportError:
        return None
    if sys.implementation.name != "cpython" or _sre.CODESIZE not in _TYPECODES:
        return None
    return _sre, _compiler, _parser


class PatternCache:
    """Compiled regex programs kept in ``directory`` (None: compile every time)."""

    def __init__(self, directory: Path | None) -> None:
        internals = _internals() if directory is not None else None
        self._directory = directory if internals is not None else None
        self._sre: Any
        self._compiler: Any
        self._parser: Any
        self._sre, self._compiler, self._parser = internals or (None, None, None)

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
        """``re.compile(pattern, flags)``, from the stored program when there is one."""
        if self._directory is None or len(pattern) < MIN_CACHED_LENGTH:
            return re.compile(pattern, flags)
        path = self._path(self._directory, pattern, flags)
        stored = self._read(path, pattern)
        if stored is not None:
            return stored
        compiled, program = self._compile_fresh(pattern, flags)
        self._write(path, program)
        return compiled

    def _path(self, directory: Path, pattern: str, flags: int) -> Path:
        key = hashlib.sha256()
        engine = (sys.version, str(self._sre.MAGIC), str(self._sre.CODESIZE), str(flags))
        for part in (*engine, pattern):
            key.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return directory / f"regex-{key.hexdigest()[:40]}.bin"

    def _compile_fresh(self, pattern: str, flags: int) -> tuple[re.Pattern[str], dict[str, Any]]:
        """Compile as ``re._compiler.compile`` does, keeping the program it builds."""
        parsed = self._parser.parse(pattern, flags)
        code = self._compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        program = {
            "flags": flags | parsed.state.flags,
            "groups": parsed.state.groups - 1,
            "groupindex": groupindex,
            "indexgroup": indexgroup,
            "code": code,
        }
        return self._build(pattern, program), program

    def _build(self, pattern: str, program: dict[str, Any]) -> re.Pattern[str]:
        compiled: re.Pattern[str] = self._sre.compile(
            pattern,
            program["flags"],
            list(program["code"]),
            program["groups"],
            program["groupindex"],
            tuple(program["indexgroup"]),
        )
        return compiled

    def _read(self, path: Path, pattern: str) -> re.Pattern[str] | None:
        try:
            with path.open("rb") as handle:
                if handle.readline() != _FORMAT:
                    return None
                header = json.loads(handle.readline())
                body = handle.read()
            if hashlib.sha256(body).hexdigest() != header["sha256"]:
                return None
            code = array.array(_TYPECODES[self._sre.CODESIZE])
            code.frombytes(body)
            compiled = self._build(pattern, {**header, "code": code.tolist()})
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
            log.info("regex cache: %s unusable (%s); compiling afresh", path.name, error)
            return None
        _touch(path)
        return compiled

    def _write(self, path: Path, program: dict[str, Any]) -> None:
        body = array.array(_TYPECODES[self._sre.CODESIZE], program["code"]).tobytes()
        header = {key: program[key] for key in ("flags", "groups", "groupindex", "indexgroup")}
        header["sha256"] = hashlib.sha256(body).hexdigest()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as handle:
                handle.write(_FORMAT + json.dumps(header).encode() + b"\n" + body)
            os.replace(handle.name, path)
            _prune(path.parent)
        except OSError as error:
            if "handle" in locals():
                Path(handle.name).unlink(missing_ok=True)
            log.info(
                "regex cache: cannot write %s (%s); the next start compiles again", path, error
            )


def _touch(path: Path) -> None:
    """Mark a file as used, so pruning keeps it (a read-only cache is left as it is)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def _prune(directory: Path) -> None:
    """Keep the most recently used programs: each edit of the rule packs makes a new file of
    a few megabytes, and the old ones would otherwise stay for ever."""
    stored = []
    for path in directory.glob("regex-*.bin"):
        try:
            stored.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _, path in sorted(stored, reverse=True)[KEEP_FILES:]:
        path.unlink(missing_ok=True)
