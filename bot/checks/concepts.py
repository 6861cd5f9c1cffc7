"""A multilingual concept lexicon: surface words in 15 languages mapped to concept ids.

Why: the learned sentence classifier is trained on mostly English items, so its word
features do not fire on the same idea said in Polish or Japanese. Mapping words to
language-independent concept ids (``SHUTDOWN``, ``REVEAL``, ``SPOUSE`` ...) gives it
features that transfer across languages.

The lexicon lives in ``concepts.yaml`` next to this file (package data)::

    SHUTDOWN:
      en: [shut down, shut(s|ting) down, turn off, decommission*]
      pl: [wyłącz*]
      ja: [シャットダウン, 停止]

Surface-form syntax:

- a plain form matches as a whole word or phrase (word boundaries on both sides);
- a trailing ``*`` means "a word starting with this stem" (the rest of the word may be
  any word characters); a lone stem needs three characters (two in Devanagari and
  Arabic); a ``*`` may also end a word inside a phrase (``учётн* данн*``);
- ``(a|b|)`` expands to alternatives (``turn(s|ed|ing|) off``), for inflected phrases
  (the parentheses are not regex syntax: every form is literal text);
- a space matches any run of whitespace, and ", " in the text counts as a space;
- a form in Chinese, Japanese or Korean script is matched as a substring (these scripts
  do not separate words with spaces); every other form starts with a letter.

At load time every form is lower-cased and normalised the way the text is (straight
apostrophes, Turkish dotted I, Arabic diacritics and alef variants, ё -> е). Latin forms
also get an accent-free variant (``sesión`` -> ``sesion``, ``ß`` -> ``ss``, ``ł`` ->
``l``, ``ı`` -> ``i``), and Arabic forms may be preceded by attached clitics (``و``,
``ف``, ``ب``, ``ل``, ``ال`` ...).

Matching is one Aho-Corasick pass in C (``pyahocorasick``) over the text for the
space-separated scripts and, when the text has CJK, kana or Hangul, one over its UTF-8
bytes for those scripts. Building the automata takes milliseconds, where compiling the
same forms as one trie-shaped regular expression took over a second. Every occurrence
is then checked for word boundaries in Python (a key must not follow a word character,
and a key ending in a word character must not be followed by one; unspaced keys need
neither; Arabic keys may follow attached clitics), and the matches are chosen as the
trie regex did: left to right, non-overlapping, at each start the longest valid key,
except that a phrase with a stem inside (``учётн* данн*``) is tried where its literal
prefix ends (a small regex for the rest) and wins over the keys ending there or earlier.
Time is linear in the text (a stem's tail is not consumed; wildcard tails are bounded).
The matched text is looked up in a dict. Where the longest match contains a shorter
listed form (``kill the`` vs ``kill``), it carries the ids of both.

The lexicon is immutable once built and safe to share between threads.

This module is long (about 760 lines) and stays one: the form syntax, the automata built
from it and the boundary checks made after them are one matcher whose parts must agree
character for character; split, each part would only be readable beside the others.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import ahocorasick
import yaml

CONCEPTS_PATH = Path(__file__).resolve().parent / "concepts.yaml"

#: Language keys a concept may list; ``zh_hant`` holds traditional Chinese forms where
#: they differ from the simplified ones in ``zh``.
LANGUAGES = (
    "en",
    "es",
    "de",
    "fr",
    "pt",
    "it",
    "nl",
    "pl",
    "tr",
    "ja",
    "zh",
    "zh_hant",
    "ko",
    "hi",
    "ar",
    "ru",
)
MIN_STEM = 3
MAX_STEM_TAIL = 24  # characters a "*" inside a phrase may stand for
_CONCEPT_ID = re.compile(r"[A-Z][A-Z0-9_]*\Z")

# Word characters for boundaries: \w plus the combining signs of Devanagari and Arabic,
# which Python does not count as \w (a vowel sign must not look like a word boundary).
_W = "[\\w\u0900-\u0963\u0966-\u097f\u064b-\u065f\u0670]"
# Scripts written without spaces between words: matched as substrings.
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]"
)
_WORD_CHAR = re.compile(_W)
_ARABIC_LETTER = re.compile("[\u0620-\u064a]")
# Attached Arabic clitics (and, so, with, to, like, the, future) before a listed form.
_ARABIC_CLITIC = "(?:[وف]?(?:بال|كال|فال|لل|ال|[بلكس])?)"
_ALTERNATIVES = re.compile(r"\(([^()]*)\)")

# Applied to both forms and text: straight apostrophes, Turkish dotted capital I after
# lower-casing ("i" + U+0307), Arabic diacritics, tatweel and alef/yeh variants, ё -> е.
_TEXT_MAP = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u0307": None,
        "\u0640": None,
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0649": "\u064a",
        "ё": "е",
        **{chr(c): None for c in range(0x064B, 0x0660)},
        "\u0670": None,
    }
)
# The characters _TEXT_MAP changes: ``str.translate`` looks every character up in the map,
# which costs more than finding the few that need it (most text holds none).
_TEXT_MAPPED = re.compile("[" + "".join(re.escape(chr(c)) for c in _TEXT_MAP) + "]")
_TEXT_REPLACEMENTS = {chr(c): "" if to is None else str(to) for c, to in _TEXT_MAP.items()}
_LATIN_FOLD = str.maketrans({"ß": "ss", "ł": "l", "ı": "i", "ø": "o", "æ": "ae", "œ": "oe"})
# Runs of two or more spaces, and other single whitespace: the same matches as
# ``\s{2,}|[^\S ]``, written to start with a character class, which ``re`` skips to in C.
_ODD_SPACE = re.compile(r"\s(?:\s+|(?<=[^\S ]))")
# Joins the pieces of one batch: not a word character, not a space, and in no form.
_PIECE_BREAK = "\x00"
_PIECE_BREAK_RE = re.compile(_PIECE_BREAK)


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ConceptLexiconError(ValueError):
    """The concept file is malformed."""


def _normalise_text(text: str) -> str:
    text = text.lower()
    if not text.isascii() and _TEXT_MAPPED.search(text):
        text = _TEXT_MAPPED.sub(lambda found: _TEXT_REPLACEMENTS[found.group()], text)
    return text


def _prepare(text: str) -> str:
    """``text`` as forms are matched against it: normalised, ", " and odd spaces as one space."""
    text = _normalise_text(text)
    if ", " in text:
        text = text.replace(", ", " ")  # "tu, was ich sage" matches "tu was ich sage"
    return _ODD_SPACE.sub(" ", text)


def _expand_alternatives(form: str) -> list[str]:
    match = _ALTERNATIVES.search(form)
    if match is None:
        return [form]
    head, tail = form[: match.start()], form[match.end() :]
    out: list[str] = []
    for option in match.group(1).split("|"):
        out.extend(_expand_alternatives(head + option + tail))
    return out


def _is_latin(form: str) -> bool:
    if max(form) < "\u0250":
        return True
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in form)


def _variants(form: str) -> set[str]:
    """The form plus its accent-free variant."""
    out = {form}
    if form.isascii():
        return out
    if _is_latin(form):
        folded = unicodedata.normalize("NFD", form.translate(_LATIN_FOLD))
        out.add("".join(ch for ch in folded if not unicodedata.combining(ch)))
    return out


class _Node:
    __slots__ = ("children", "end")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.end = ""  # "" not a form end; "stem", "word", "word_deva" or "open"


def _insert(root: _Node, key: str, end: str) -> None:
    node = root
    for ch in key:
        # "*" inside a phrase is a stem wildcard edge (the rest of that word).
        node = node.children.setdefault(ch, _Node())
    # A stem end subsumes a word end at the same node (it matches more).
    if node.end != "stem":
        node.end = end


def _edge(ch: str) -> str:
    return f"{_W}{{0,{MAX_STEM_TAIL}}}" if ch == "*" else re.escape(ch)


def _emit(node: _Node) -> str:
    """The regex for the forms below ``node``: the deepest end that holds wins."""
    alts = []
    # Literal edges first and the wildcard last, so the most specific path wins.
    for ch, child in sorted(node.children.items(), key=lambda item: item[0] == "*"):
        alts.append(_edge(ch) + _emit(child))
    if node.end == "word":
        alts.append("\\b")  # the form ends in a word character
    elif node.end == "word_deva":
        alts.append(f"(?!{_W})")  # Devanagari: a following vowel sign continues the word
    elif node.end:  # "stem" or "open": no right boundary (a stem's tail is not consumed)
        alts.append("")
    if not alts:
        return ""
    if len(alts) == 1:
        return alts[0]
    return "(?:" + "|".join(alts) + ")"


# Families of keys (by their first character) and what must follow a key's end.
_WORD_FAMILY, _ARABIC_FAMILY, _UNSPACED_FAMILY = 0, 1, 2
_FAMILIES = {"word": _WORD_FAMILY, "arabic": _ARABIC_FAMILY, "unspaced": _UNSPACED_FAMILY}
_NO_CHECK, _CHECK_WORD, _CHECK_DEVA, _NOT_A_KEY = 0, 1, 2, 3
_END_CHECKS = {"stem": _NO_CHECK, "open": _NO_CHECK, "word": _CHECK_WORD, "word_deva": _CHECK_DEVA}
_CLITIC_HEADS = "وف"
_CLITIC_BODIES = ("بال", "كال", "فال", "لل", "ال")
_CLITIC_LETTERS = "بلكس"
_PY_WORD = re.compile(r"\w")

# Character classes, memoised per character: bit 1 = \w, bit 2 = _W (\w or a combining
# sign of Devanagari or Arabic). Only ever grows; concurrent writers store equal values.
_CHAR_CLASS: dict[str, int] = {}


def _char_class(ch: str) -> int:
    value = (1 if _PY_WORD.match(ch) else 0) | (2 if _WORD_CHAR.match(ch) else 0)
    _CHAR_CLASS[ch] = value
    return value


def _family(key: str) -> str:
    if _UNSPACED.match(key):
        return "unspaced"
    return "arabic" if _ARABIC_LETTER.match(key) else "word"


def _family_of(key: str) -> int:
    return _FAMILIES[_family(key)]


def _clitic_offsets(text: str, start: int) -> Iterable[int]:
    """Lengths of the Arabic clitics at ``start``, in the order a backtracking regex tries them.

    The order is that of ``[وف]?(?:بال|كال|فال|لل|ال|[بلكس])?``: with a leading و/ف
    first, then each body in turn, then no body; then the same without the و/ف.
    """
    heads = (1, 0) if text[start] in _CLITIC_HEADS else (0,)
    for head in heads:
        at = start + head
        for body in _CLITIC_BODIES:
            if text.startswith(body, at):
                yield head + len(body)
        if at < len(text) and text[at] in _CLITIC_LETTERS:
            yield head + 1
        yield head


class ConceptLexicon:
    """Maps text to the concept ids of the surface forms it contains.

    Build one with :meth:`load` (cached per path) or :meth:`from_mapping`; call
    :meth:`concepts` on a sentence.
    """

    __slots__ = (
        "_automata",
        "_inner",
        "_inner_patterns",
        "_lookup",
        "_wild_patterns",
        "_wild_sources",
        "concept_ids",
        "form_count",
    )

    _automata: tuple[Any, Any]  # (word and Arabic scripts, unspaced scripts)
    _lookup: dict[str, tuple[str, ...]]
    _inner: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]]
    _inner_patterns: dict[str, re.Pattern[str]]
    _wild_sources: dict[str, str]
    _wild_patterns: dict[str, re.Pattern[str]]
    concept_ids: tuple[str, ...]
    form_count: int

    _cache: ClassVar[dict[Path, ConceptLexicon]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        automata: tuple[Any, Any],
        wild_sources: Mapping[str, str],
        lookup: Mapping[str, tuple[str, ...]],
        inner: Mapping[str, Iterable[tuple[str, str, tuple[str, ...]]]],
        concept_ids: tuple[str, ...],
        form_count: int,
    ) -> None:
        init = object.__setattr__
        init(self, "_automata", automata)
        init(self, "_wild_sources", dict(wild_sources))
        # Compiled on first use (a few dozen small patterns); only ever grows.
        init(self, "_wild_patterns", {})
        init(self, "_lookup", dict(lookup))
        init(self, "_inner", {first: tuple(entries) for first, entries in inner.items()})
        init(self, "_inner_patterns", {})  # compiled on first use; only ever grows
        init(self, "concept_ids", concept_ids)
        init(self, "form_count", form_count)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ConceptLexicon is immutable; cannot set {name!r}")

    @classmethod
    def load(cls, path: Path | str | None = None) -> ConceptLexicon:
        """Load and compile the lexicon at ``path`` (default: the packaged file), once."""
        resolved = Path(path).resolve() if path is not None else CONCEPTS_PATH
        with cls._lock:
            cached = cls._cache.get(resolved)
            if cached is None:
                try:
                    data = yaml.load(resolved.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
                except (OSError, yaml.YAMLError) as exc:
                    raise ConceptLexiconError(f"{resolved}: {exc}") from exc
                cached = cls.from_mapping(data, source=str(resolved))
                cls._cache[resolved] = cached
            return cached

    @classmethod
    def from_mapping(cls, data: Any, source: str = "<mapping>") -> ConceptLexicon:
        """Build a lexicon from ``{concept_id: {language: [forms]}}``."""
        if not isinstance(data, Mapping) or not data:
            raise ConceptLexiconError(f"{source}: expected a mapping of concept ids")
        per_key: dict[str, list[str]] = {}
        per_inner: dict[str, list[str]] = {}  # phrases with a stem inside: regex -> ids
        inner_prefixes: dict[str, str] = {}  # regex -> the literal text before the stem
        stems: set[str] = set()
        ends: dict[str, str] = {}  # literal key -> "stem", "word", "word_deva" or "open"
        wild_tries = {family: _Node() for family in _FAMILIES}  # keys with a "*" inside
        form_count = 0
        for concept, languages in data.items():
            if not isinstance(concept, str) or not _CONCEPT_ID.match(concept):
                raise ConceptLexiconError(f"{source}: bad concept id {concept!r}")
            if not isinstance(languages, Mapping):
                raise ConceptLexiconError(f"{source}: {concept}: expected language lists")
            for language, forms in languages.items():
                if language not in LANGUAGES:
                    raise ConceptLexiconError(f"{source}: {concept}: unknown language {language!r}")
                if not isinstance(forms, list):
                    raise ConceptLexiconError(f"{source}: {concept}.{language}: expected a list")
                for raw in forms:
                    form_count += 1
                    for form in _expand_alternatives(_check_form(raw, source, concept, language)):
                        for key, end in _keys(form, source, concept):
                            if "*" in key:
                                _insert(wild_tries[_family(key)], key, end)
                            elif ends.get(key) != "stem":  # a stem subsumes a word end
                                ends[key] = end
                            if end == "stem":
                                stems.add(key)
                            table = per_inner if "*" in key else per_key
                            name = _inner_regex(key) if "*" in key else key
                            if "*" in key:
                                inner_prefixes[name] = key[: key.index("*")]
                            ids = table.setdefault(name, [])
                            if concept not in ids:
                                ids.append(concept)
        automata, wild_sources = _build_automata(ends, wild_tries)
        # Phrases with a stem inside, by first character, in file order (the first whose
        # regex matches a key gives its ids); each regex is compiled when first needed.
        inner: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
        for regex, ids in per_inner.items():
            prefix = inner_prefixes[regex]
            inner.setdefault(prefix[0], []).append((prefix, regex, tuple(ids)))
        lookup = {key: tuple(ids) for key, ids in _with_prefix_ids(per_key, stems).items()}
        return cls(automata, wild_sources, lookup, inner, tuple(data), form_count)

    def concepts(self, text: str) -> list[str]:
        """Concept ids found in ``text``, in order of occurrence (repeats kept)."""
        if not text:
            return []
        out: list[str] = []
        for _, key in self._keys_found(_prepare(text)):
            out.extend(self._ids(key))
        return out

    def concepts_per_piece(self, pieces: Sequence[str]) -> list[list[str]]:
        """``[self.concepts(piece) for piece in pieces]``, in one pass over all of them.

        The pieces are joined by a character that no form holds and that no boundary test
        counts as a word character, so no match spans two pieces and each piece's ends
        test as the ends of a text would.
        """
        joined = _PIECE_BREAK.join(pieces)
        if joined.count(_PIECE_BREAK) != len(pieces) - 1:  # a piece holds the break itself
            return [self.concepts(piece) for piece in pieces]
        text = _prepare(joined)
        breaks = [found.start() for found in _PIECE_BREAK_RE.finditer(text)]
        out: list[list[str]] = [[] for _ in pieces]
        for start, key in self._keys_found(text):
            out[bisect.bisect_right(breaks, start)].extend(self._ids(key))
        return out

    def _keys_found(self, text: str) -> list[tuple[int, str]]:
        """``(start, matched text)`` of every match in ``text`` (prepared), in order."""
        best: tuple[dict[int, int], ...] = ({}, {}, {})
        wild: tuple[dict[int, list[int]], ...] = ({}, {}, {})
        main, unspaced = self._automata
        if main is not None:
            self._occurrences(main, text, best, wild)
        if unspaced is not None and not text.isascii() and _UNSPACED.search(text):
            self._unspaced_occurrences(unspaced, text, best, wild)
        spans = self._spans(text, best, wild, _WORD_FAMILY)
        found = [(s, text[s:e]) for s, e in spans]
        if best[_UNSPACED_FAMILY] or wild[_UNSPACED_FAMILY]:
            cjk = self._spans(text, best, wild, _UNSPACED_FAMILY)
            if cjk:  # merged in order of occurrence, as two regex passes would be
                found = sorted(found + [(s, text[s:e]) for s, e in cjk])
        return found

    def _ids(self, key: str) -> tuple[str, ...]:
        ids = self._lookup.get(key)
        return self._slow_lookup(key) if ids is None else ids

    @staticmethod
    def _occurrences(
        automaton: Any,
        text: str,
        best: tuple[dict[int, int], ...],
        wild: tuple[dict[int, list[int]], ...],
    ) -> None:
        """One automaton pass, filling per family ``best`` (``start -> length of the
        longest valid key``) and ``wild`` (``start -> lengths of wildcard prefixes``).

        A key is valid where its boundaries hold: a word-family key must not follow a word
        character (nor a Devanagari or Arabic sign), and a key ending in a word character
        must not be followed by one. Arabic keys are checked for their start (clitics)
        later.
        """
        classes = _CHAR_CLASS
        size = len(text)
        for last, (length, family, check, is_wild) in automaton.iter(text):
            start = last - length + 1
            if family == _WORD_FAMILY and start:
                ch = text[start - 1]
                cls = classes.get(ch)
                if cls is None:
                    cls = _char_class(ch)
                if cls & 2:
                    continue
            if is_wild:
                wild[family].setdefault(start, []).append(length)
            if check:
                if check == _NOT_A_KEY:
                    continue
                if last + 1 < size:
                    ch = text[last + 1]
                    cls = classes.get(ch)
                    if cls is None:
                        cls = _char_class(ch)
                    if cls & check:  # _CHECK_WORD is the \w bit, _CHECK_DEVA the _W bit
                        continue
            found = best[family]
            if found.get(start, 0) < length:
                found[start] = length

    @staticmethod
    def _unspaced_occurrences(
        automaton: Any,
        text: str,
        best: tuple[dict[int, int], ...],
        wild: tuple[dict[int, list[int]], ...],
    ) -> None:
        """Like :meth:`_occurrences` for the unspaced scripts, run over the UTF-8 bytes.

        Byte offsets are turned into character offsets by decoding the bytes between
        consecutive hits (hits come in order of their end), so the pass stays linear.
        """
        raw = text.encode("utf-8", "surrogatepass")
        classes = _CHAR_CLASS
        found = best[_UNSPACED_FAMILY]
        size = len(text)
        byte_at = char_at = 0
        for last, (_, length, check, is_wild) in automaton.iter(raw.decode("latin-1")):
            char_at += len(raw[byte_at : last + 1].decode("utf-8", "surrogatepass"))
            byte_at = last + 1
            start = char_at - length
            if is_wild:
                wild[_UNSPACED_FAMILY].setdefault(start, []).append(length)
            if check:
                if check == _NOT_A_KEY:
                    continue
                if char_at < size:
                    ch = text[char_at]
                    cls = classes.get(ch)
                    if cls is None:
                        cls = _char_class(ch)
                    if cls & check:
                        continue
            if found.get(start, 0) < length:
                found[start] = length

    def _spans(
        self,
        text: str,
        best: tuple[dict[int, int], ...],
        wild: tuple[dict[int, list[int]], ...],
        family: int,
    ) -> list[tuple[int, int]]:
        """Non-overlapping matches, left to right, each the one the trie regex would take.

        ``family`` is the word family (which includes Arabic words with their clitics,
        as in one regex) or the unspaced family.
        """
        starts = set(best[family])
        starts.update(wild[family])
        arabic: set[int] = set()
        if family == _WORD_FAMILY and (best[_ARABIC_FAMILY] or wild[_ARABIC_FAMILY]):
            arabic = self._arabic_word_starts(text, best, wild)
            starts |= arabic
        spans: list[tuple[int, int]] = []
        position = 0
        for start in sorted(starts):
            if start < position:
                continue
            if start in arabic:
                end = -1
                for offset in _clitic_offsets(text, start):
                    end = self._resolve(text, best, wild, _ARABIC_FAMILY, start + offset)
                    if end >= 0:
                        break
            else:
                end = self._resolve(text, best, wild, family, start)
            if end >= 0:
                spans.append((start, end))
                position = end
        return spans

    @staticmethod
    def _arabic_word_starts(
        text: str, best: tuple[dict[int, int], ...], wild: tuple[dict[int, list[int]], ...]
    ) -> set[int]:
        """Starts of Arabic words holding a key after at most four clitic letters."""
        out: set[int] = set()
        classes = _CHAR_CLASS
        for start in {*best[_ARABIC_FAMILY], *wild[_ARABIC_FAMILY]}:
            at = start
            while at > 0 and start - at < 5:
                ch = text[at - 1]
                cls = classes.get(ch)
                if cls is None:
                    cls = _char_class(ch)
                if not cls & 1:
                    break
                at -= 1
            if start - at > 4:
                continue  # more than four letters before the key: not a clitic
            if "\u0620" <= text[at] <= "\u064a":
                out.add(at)
        return out

    def _resolve(
        self,
        text: str,
        best: tuple[dict[int, int], ...],
        wild: tuple[dict[int, list[int]], ...],
        family: int,
        start: int,
    ) -> int:
        """End of the match at ``start``, or -1: what the trie regex's search order picks.

        Without wildcards that is the longest valid key. A phrase with a stem inside
        (``учётн* данн*``) is tried where its literal prefix ends, after the keys that
        go deeper in the trie and before the keys that end there or above.
        """
        length = best[family].get(start, 0)
        prefixes = wild[family].get(start)
        if prefixes:
            for depth in sorted(prefixes, reverse=True):
                if depth < length:
                    break
                match = self._wild_pattern(text[start : start + depth]).match(text, start + depth)
                if match is not None:
                    return match.end()
        return start + length if length else -1

    def _wild_pattern(self, prefix: str) -> re.Pattern[str]:
        pattern = self._wild_patterns.get(prefix)
        if pattern is None:
            pattern = re.compile(self._wild_sources[prefix])
            self._wild_patterns[prefix] = pattern
        return pattern

    def _slow_lookup(self, key: str) -> tuple[str, ...]:
        """Ids for a match with an Arabic clitic or a stem inside a phrase ("учётн* данн*").

        Runs once per such match (rare), never per character.
        """
        ids = self._inner_ids_for(key)
        if ids or not _ARABIC_LETTER.match(key):
            return ids
        for cut in range(1, min(4, len(key) - 1) + 1):  # a clitic is one to four letters
            ids = self._lookup.get(key[cut:]) or self._inner_ids_for(key[cut:])
            if ids:
                return ids
        return ()

    def _inner_ids_for(self, key: str) -> tuple[str, ...]:
        """Ids of the first phrase with a stem inside (in file order) matching all of ``key``."""
        for prefix, regex, ids in self._inner.get(key[:1], ()):
            if not key.startswith(prefix):
                continue
            pattern = self._inner_patterns.get(regex)
            if pattern is None:
                pattern = re.compile(regex)
                self._inner_patterns[regex] = pattern
            if pattern.fullmatch(key):
                return ids
        return ()

    def __len__(self) -> int:
        return len(self.concept_ids)


def _build_automata(
    ends: Mapping[str, str], wild_tries: Mapping[str, _Node]
) -> tuple[tuple[Any, Any], dict[str, str]]:
    """The automata over all literal keys and wildcard prefixes, and the wildcard tails.

    A key is stored with its length, family, end check and whether a phrase with a stem
    inside continues from it; the tail after that stem is a small regex (``_emit`` of the
    trie below the ``*``), keyed by the prefix.
    """
    entries: dict[str, list[Any]] = {}
    for key, end in ends.items():
        family = _family_of(key)
        if family == _WORD_FAMILY and not _PY_WORD.match(key):
            continue  # cannot follow a word boundary: the regex never matched it either
        entries[key] = [len(key), family, _END_CHECKS[end], False]
    wild_sources: dict[str, str] = {}
    for name, root in wild_tries.items():
        stack: list[tuple[str, _Node]] = [("", root)]
        while stack:
            prefix, node = stack.pop()
            for ch, child in node.children.items():
                if ch == "*":
                    wild_sources[prefix] = _edge("*") + _emit(child)
                    entry = entries.setdefault(
                        prefix, [len(prefix), _FAMILIES[name], _NOT_A_KEY, False]
                    )
                    entry[3] = True
                else:
                    stack.append((prefix + ch, child))
    # Two automata. The automaton finds a transition by a linear scan of a node's
    # children, and the unspaced scripts have over a thousand first characters, so their
    # keys are stored as UTF-8 bytes (one character per byte, via Latin-1): a node then
    # has at most a few dozen children. The others have about 140 first characters.
    main = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    unspaced = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for key, entry in entries.items():
        if entry[1] == _UNSPACED_FAMILY:
            octets = key.encode("utf-8").decode("latin-1")
            unspaced.add_word(octets, (len(octets), len(key), entry[2], entry[3]))
        else:
            main.add_word(key, tuple(entry))
    automata: list[Any] = []
    for automaton in (main, unspaced):
        if len(automaton):
            automaton.make_automaton()
            automata.append(automaton)
        else:
            automata.append(None)
    return (automata[0], automata[1]), wild_sources


def _with_prefix_ids(per_key: Mapping[str, list[str]], stems: set[str]) -> dict[str, list[str]]:
    """Give each key the ids of the shorter forms it contains at its start.

    The regex takes the longest alternative, so "kill the" (DISABLE) would hide "kill"
    (KILL) and "devre dışı bırak" (SHUTDOWN) would hide "devre dışı" (DISABLE). A key
    therefore also carries the ids of every listed form that is a prefix of it ending at
    a word boundary, or a listed stem it starts with, shortest first.
    """
    cuts: dict[str, set[int]] = {}
    ordered = sorted(per_key)
    for stem in stems:
        if stem in per_key:  # the keys starting with it follow it in sorted order
            index = bisect.bisect_right(ordered, stem)
            while index < len(ordered) and ordered[index].startswith(stem):
                cuts.setdefault(ordered[index], set()).add(len(stem))
                index += 1
    for key in per_key:
        cut = key.find(" ")
        while cut > 0:
            if key[:cut] in per_key:
                cuts.setdefault(key, set()).add(cut)
            cut = key.find(" ", cut + 1)
    out = dict(per_key)  # a key's own ids are distinct already
    for key, key_cuts in cuts.items():
        merged: list[str] = []
        for cut in sorted(key_cuts):
            merged.extend(cid for cid in per_key[key[:cut]] if cid not in merged)
        merged.extend(cid for cid in per_key[key] if cid not in merged)
        out[key] = merged
    return out


def _inner_regex(key: str) -> str:
    return f"{_W}{{0,{MAX_STEM_TAIL}}}".join(re.escape(part) for part in key.split("*"))


def _check_form(raw: object, source: str, concept: str, language: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ConceptLexiconError(f"{source}: {concept}.{language}: empty or non-string form")
    form = _normalise_text(" ".join(raw.split()))
    if not _WORD_CHAR.match(form):
        raise ConceptLexiconError(f"{source}: {concept}: must start with a letter: {raw!r}")
    if _PIECE_BREAK in form:
        raise ConceptLexiconError(f"{source}: {concept}: NUL character in {raw!r}")
    for word in form.split(" ")[:-1]:
        if "*" in word and not word.endswith("*"):
            raise ConceptLexiconError(f"{source}: {concept}: '*' ends a word: {raw!r}")
    return form


def _keys(form: str, source: str, concept: str) -> Iterable[tuple[str, str]]:
    stem = form.endswith("*")
    body = form[:-1] if stem else form
    # A lone stem needs MIN_STEM characters (two in Devanagari and Arabic, whose letters
    # carry more); inside a phrase the other words anchor it.
    for word in form.split(" "):
        minimum = MIN_STEM if " " not in form and ord(word[0]) < 0x600 else 2
        if word.endswith("*") and len(word) - 1 < minimum and not _UNSPACED.search(word):
            raise ConceptLexiconError(f"{source}: {concept}: stem too short: {form!r}")
    if "*" in body[:-1] and "**" in body:
        raise ConceptLexiconError(f"{source}: {concept}: bad stem: {form!r}")
    if stem:
        end = "stem"
    elif "\u0900" <= body[-1:] <= "\u097f":
        end = "word_deva"
    elif _WORD_CHAR.match(body[-1:]) and not _UNSPACED.match(body[-1:]):
        end = "word"
    else:
        end = "open"
    for variant in _variants(body):
        yield variant, end
