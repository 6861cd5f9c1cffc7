"""The compiled-pattern cache: the same matches from a stored program, and never worse than
compiling when the cache is missing, damaged or unwritable."""

from __future__ import annotations

import random
import re
import string
from pathlib import Path

import pytest

from bot.checks.matcher import LexiconIndex
from bot.checks.pattern_cache import (
    KEEP_FILES,
    MIN_CACHED_LENGTH,
    PatternCache,
    cache_directory,
)
from bot.config import Settings

_WORDS = sorted(
    {"".join(random.Random(seed).choices(string.ascii_lowercase, k=9)) for seed in range(4000)}
)
_BIG = r"\b(?:" + "|".join(_WORDS) + r")\b"
_TEXT = " ".join(_WORDS[::7]) + " nothing here " + " ".join(_WORDS[3::11])


def _matches(pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(_TEXT)]


def _stored(directory: Path) -> list[Path]:
    return sorted(directory.glob("regex-*.bin"))


def test_the_test_pattern_is_big_enough_to_be_cached() -> None:
    """The pattern used below is over the size the cache keeps."""
    assert len(_BIG) > MIN_CACHED_LENGTH


def test_a_stored_program_matches_like_re(tmp_path: Path) -> None:
    """A pattern compiled, stored and read back finds exactly what re.compile finds."""
    expected = _matches(re.compile(_BIG))
    first = PatternCache(tmp_path).compile(_BIG)
    assert len(_stored(tmp_path)) == 1
    second = PatternCache(tmp_path).compile(_BIG)
    assert _matches(first) == _matches(second) == expected
    assert second.pattern == _BIG


def test_a_second_start_reads_instead_of_compiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once stored, the program is read back and the pattern is not compiled again."""
    PatternCache(tmp_path).compile(_BIG)

    def refuse(*_: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(PatternCache, "_compile_fresh", refuse)
    assert _matches(PatternCache(tmp_path).compile(_BIG)) == _matches(re.compile(_BIG))


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_a_damaged_file_is_compiled_afresh_and_replaced(tmp_path: Path, damage: str) -> None:
    """A truncated, altered or foreign file is never used: the pattern is compiled again
    and a good file takes its place."""
    PatternCache(tmp_path).compile(_BIG)
    (path,) = _stored(tmp_path)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    else:
        path.write_bytes(b"not a program at all\n")
    assert _matches(PatternCache(tmp_path).compile(_BIG)) == _matches(re.compile(_BIG))
    assert path.read_bytes() == data


def test_an_unusable_directory_still_compiles(tmp_path: Path) -> None:
    """When the cache directory cannot be created, the pattern is compiled and nothing fails."""
    blocker = tmp_path / "file"
    blocker.write_text("in the way", encoding="utf-8")
    compiled = PatternCache(blocker / "cache").compile(_BIG)
    assert _matches(compiled) == _matches(re.compile(_BIG))


def test_small_patterns_and_no_directory_store_nothing(tmp_path: Path) -> None:
    """Small patterns compile as usual, and a cache with no directory writes no file."""
    PatternCache(tmp_path).compile(r"\bshort\b")
    assert _stored(tmp_path) == []
    assert _matches(PatternCache(None).compile(_BIG)) == _matches(re.compile(_BIG))


def test_the_cue_index_finds_the_same_hits_from_the_cache(tmp_path: Path) -> None:
    """A cue index built on a warm cache finds what one built without a cache finds."""
    cues = {("deception", f"cue{n}"): [word, word + r"\s+it"] for n, word in enumerate(_WORDS)}
    plain = LexiconIndex(cues).find(_TEXT)
    LexiconIndex(cues, PatternCache(tmp_path))
    assert _stored(tmp_path), "the cue scan should be big enough to be cached"
    assert LexiconIndex(cues, PatternCache(tmp_path)).find(_TEXT) == plain


def test_cache_directory_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SAFETYBOT_CACHE_DIR names the directory, 'off' disables it, empty means the user's
    cache directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_directory("") == tmp_path / "xdg" / "safetybot"
    assert cache_directory(" OFF ") is None
    assert cache_directory(str(tmp_path / "mine")) == tmp_path / "mine"
    monkeypatch.setenv("SAFETYBOT_CACHE_DIR", "off")
    assert Settings(_env_file=None).pattern_cache_dir is None  # type: ignore[call-arg]


def test_old_programs_are_pruned(tmp_path: Path) -> None:
    """Writing a new program keeps only the most recently used ones."""
    for n in range(KEEP_FILES + 3):
        PatternCache(tmp_path).compile(_BIG + f"|extra{n}")
    assert len(_stored(tmp_path)) == KEEP_FILES
