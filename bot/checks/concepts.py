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

Matching runs in C. The forms are compiled into two regular expressions shaped as tries
(shared prefixes factored, longest alternative first, wide alternations split into a
tree of character-class buckets): one for space-separated scripts, starting with ``\b``
so a position inside a word is rejected in one step, and one for CJK, run only when the
text contains CJK characters. Time is linear in the text: there are no nested repeats,
and a stem's tail is not consumed. The matched text is looked up in a dict. Where the
longest match contains a shorter listed form (``kill the`` vs ``kill``), it carries the
ids of both.

The lexicon is immutable once built and safe to share between threads.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

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
_FANOUT = 4
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
_UNSPACED_CLASS = _UNSPACED.pattern
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
_LATIN_FOLD = str.maketrans({"ß": "ss", "ł": "l", "ı": "i", "ø": "o", "æ": "ae", "œ": "oe"})
_ODD_SPACE = re.compile(r"\s{2,}|[^\S ]")


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ConceptLexiconError(ValueError):
    """The concept file is malformed."""


def _normalise_text(text: str) -> str:
    text = text.lower()
    if not text.isascii():
        text = text.translate(_TEXT_MAP)
    return text


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
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in form)


def _variants(form: str) -> set[str]:
    """The form plus its accent-free and clitic variants."""
    out = {form}
    if _is_latin(form):
        folded = unicodedata.normalize("NFD", form.translate(_LATIN_FOLD))
        out.add("".join(ch for ch in folded if not unicodedata.combining(ch)))
    return out


class _Node:
    __slots__ = ("children", "end")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.end = ""  # "" not a form end; "stem", "word" or "open" (no right boundary)


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


def _family(key: str) -> str:
    if _UNSPACED.match(key):
        return "unspaced"
    return "arabic" if _ARABIC_LETTER.match(key) else "word"


def _bucketed(alternatives: list[tuple[str, str]]) -> str:
    """Alternation over ``(first character, branch)`` pairs, as a tree of guarded buckets.

    The regex engine tries the branches of an alternation one by one, so with hundreds of
    first characters (CJK) that scan would dominate. Split into a tree (fan-out
    ``_FANOUT``) whose nodes are behind a one-step character-class lookahead, a position
    costs about ``_FANOUT / 2 * log(n)`` checks instead of ``n / 2``.
    """
    if len(alternatives) <= 2 * _FANOUT:
        return "|".join(branch for _, branch in alternatives)
    size = -(-len(alternatives) // _FANOUT)
    buckets = []
    for i in range(0, len(alternatives), size):
        chunk = alternatives[i : i + size]
        chars = "".join(re.escape(ch) for ch, _ in chunk)
        buckets.append(f"(?=[{chars}])(?:{_bucketed(chunk)})")
    return "|".join(buckets)


def _emit_root(root: _Node, bounded: bool) -> str:
    alternatives = []
    for ch, child in sorted(root.children.items()):
        # Re-checked after the first character: a Devanagari vowel sign is not \w for
        # Python, so \b alone would accept a position just after one.
        guard = f"(?<!{_W}[\\s\\S])" if bounded else ""
        alternatives.append((ch, re.escape(ch) + guard + _emit(child)))
    return _bucketed(alternatives)


def _emit_patterns(tries: Mapping[str, _Node]) -> tuple[str, str]:
    """The word-bounded pattern and the pattern for unspaced scripts (CJK, kana, Hangul).

    The first starts with ``\\b``, which rejects a position inside a word in one step;
    Arabic forms may carry attached clitics (and, so, with, to, the ...).
    """
    word, arabic, unspaced = tries["word"], tries["arabic"], tries["unspaced"]
    bounded = []
    if word.children:
        bounded.append(_emit_root(word, bounded=True))
    if arabic.children:
        bounded.append(f"(?=[\u0620-\u064a]){_ARABIC_CLITIC}(?:{_emit_root(arabic, False)})")
    main = "\\b(?:" + "|".join(bounded) + ")" if bounded else "(?!)"
    cjk = _emit_root(unspaced, bounded=False) if unspaced.children else "(?!)"
    return main, cjk


class ConceptLexicon:
    """Maps text to the concept ids of the surface forms it contains.

    Build one with :meth:`load` (cached per path) or :meth:`from_mapping`; call
    :meth:`concepts` on a sentence.
    """

    __slots__ = (
        "_cjk",
        "_inner",
        "_inner_ids",
        "_lookup",
        "_pattern",
        "concept_ids",
        "form_count",
    )

    _pattern: re.Pattern[str]
    _cjk: re.Pattern[str]
    _lookup: dict[str, tuple[str, ...]]
    _inner: re.Pattern[str] | None
    _inner_ids: tuple[tuple[str, ...], ...]
    concept_ids: tuple[str, ...]
    form_count: int

    _cache: ClassVar[dict[Path, ConceptLexicon]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        pattern: re.Pattern[str],
        cjk: re.Pattern[str],
        lookup: Mapping[str, tuple[str, ...]],
        inner: re.Pattern[str] | None,
        inner_ids: Sequence[tuple[str, ...]],
        concept_ids: tuple[str, ...],
        form_count: int,
    ) -> None:
        init = object.__setattr__
        init(self, "_pattern", pattern)
        init(self, "_cjk", cjk)
        init(self, "_lookup", dict(lookup))
        init(self, "_inner", inner)
        init(self, "_inner_ids", tuple(inner_ids))
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
        stems: set[str] = set()
        tries = {"word": _Node(), "arabic": _Node(), "unspaced": _Node()}
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
                            _insert(tries[_family(key)], key, end)
                            if end == "stem":
                                stems.add(key)
                            table = per_inner if "*" in key else per_key
                            name = _inner_regex(key) if "*" in key else key
                            ids = table.setdefault(name, [])
                            if concept not in ids:
                                ids.append(concept)
        main, cjk = _emit_patterns(tries)
        inner = None
        if per_inner:
            inner = re.compile("|".join(f"({regex})" for regex in per_inner))
        lookup = {key: tuple(ids) for key, ids in _with_prefix_ids(per_key, stems).items()}
        inner_ids = [tuple(ids) for ids in per_inner.values()]
        return cls(
            re.compile(main), re.compile(cjk), lookup, inner, inner_ids, tuple(data), form_count
        )

    def concepts(self, text: str) -> list[str]:
        """Concept ids found in ``text``, in order of occurrence (repeats kept)."""
        if not text:
            return []
        text = _normalise_text(text)
        if ", " in text:
            text = text.replace(", ", " ")  # "tu, was ich sage" matches "tu was ich sage"
        text = _ODD_SPACE.sub(" ", text)
        if text.isascii() or not _UNSPACED.search(text):
            keys = self._pattern.findall(text)
        else:  # two passes, merged in order of occurrence
            found = [(m.start(), m.group()) for m in self._pattern.finditer(text)]
            found += [(m.start(), m.group()) for m in self._cjk.finditer(text)]
            found.sort()
            keys = [key for _, key in found]
        lookup = self._lookup
        out: list[str] = []
        for key in keys:
            ids = lookup.get(key)
            if ids is None:
                ids = self._slow_lookup(key)
            out.extend(ids)
        return out

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
        match = self._inner.fullmatch(key) if self._inner is not None else None
        if match is None or match.lastindex is None:
            return ()
        return self._inner_ids[match.lastindex - 1]

    def __len__(self) -> int:
        return len(self.concept_ids)


def _with_prefix_ids(per_key: Mapping[str, list[str]], stems: set[str]) -> dict[str, list[str]]:
    """Give each key the ids of the shorter forms it contains at its start.

    The regex takes the longest alternative, so "kill the" (DISABLE) would hide "kill"
    (KILL) and "devre dışı bırak" (SHUTDOWN) would hide "devre dışı" (DISABLE). A key
    therefore also carries the ids of every listed form that is a prefix of it ending at
    a word boundary, or a listed stem it starts with, shortest first.
    """
    out: dict[str, list[str]] = {}
    for key, ids in per_key.items():
        merged: list[str] = []
        for cut in range(1, len(key)):
            prefix = key[:cut]
            if prefix in per_key and (prefix in stems or key[cut] == " "):
                merged.extend(cid for cid in per_key[prefix] if cid not in merged)
        merged.extend(cid for cid in ids if cid not in merged)
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
