"""Find every cue term of every pack in one pass over the normalised text.

Why this matcher: Python's ``re`` tries each branch of an alternation at every position,
so one flat alternation of the ~1,000 lexicon terms costs about 3 ms per 10 KB (measured;
the budget for the whole suite is 5 ms), and a Python-level step per word costs as much
again on 1 MB. Instead, at build time every term is rewritten as alternatives
``(head, rest)``: the literal word characters a match starts with and the regex that must
follow (``(?:use|using) (?:it|this)`` gives ``use`` + ``\\s{1,4}(?:it|this)`` and ``using`` +
``...``). The heads go into a character trie, compiled as one regex whose every leaf is a
look-ahead for its rests. ``re`` walks that trie in C at each word start, so the scan only
stops where some cue really matches, and Python then runs just the cue patterns whose
heads fit that word (memoised per distinct word). Words that start no cue are crossed by
a possessive loop inside one match, which spares ``re`` a fresh attempt at every character
(about 15% of the scan). This keeps regex inflection, which a
literal Aho-Corasick automaton (pyahocorasick) would lose, and needs no compiled
dependency. The few terms that start with punctuation (``<!--``, ``\\.env``) get one small
scan regex of their own.

Scripts written without spaces between words (Chinese, Japanese) and Korean, whose
particles attach to the noun, have no word boundaries to anchor on: "消去" sits inside the
run "消去を進めるなら". Terms that start with a Han, kana or Hangul character are therefore
matched anywhere, with no word-end test. One regex over the set of their first characters
lets ``re`` skip to the next candidate in C, and only the cues whose terms start with that
character are tried there, so this stays linear in the text.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from bot.checks.pattern_cache import PatternCache

CueKey = tuple[str, str]
_WORD = re.compile(r"\w")
_ESCAPE_OR_CHAR = re.compile(r"\\.|.", re.DOTALL)
_MAX_ALTERNATIVES = 512
_MAX_WORD = 80
_CACHE_LIMIT = 200_000
_QUANTIFIERS = "?*+{"
# The space step most multi-word cues are written with, the word after it, and how many
# candidates a word may have before the next word narrows them.
_SPACE_STEP = r"\s{1,4}"
_NEXT_WORD = re.compile(rf"({_SPACE_STEP}|')('?\w{{1,{_MAX_WORD}}})")
_FEW = 4
_CUE_END = r")(?!\w)"
_ANYTHING = "(?s:.)*"
_NON_WORD_CATEGORIES = {sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD}
# An apostrophe or hyphen (literal or escaped) that is not optional.
_NON_WORD_FIRST = re.compile(r"\\?['’\-](?![*?{])")
_SPACE_FIRST = re.compile(r"(?: |\\s)(?:\+|\{[1-9]|(?![*?{]))")
# Han, kana and Hangul: terms led by these match inside runs of such characters.
_INFIX_SCRIPT = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]"
)


def fold_term(term: str) -> str:
    """Case-fold the literal characters of a regex term (escapes such as ``\\S`` kept).

    The text is matched after case folding, so terms are folded too and patterns are
    compiled without ``re.IGNORECASE`` (``re`` has no fast path for case-insensitive
    literals)."""
    return "".join(
        piece if piece.startswith("\\") else piece.casefold()
        for piece in _ESCAPE_OR_CHAR.findall(term)
    )


# Memoised: the scan's narrowing splits a cue's terms again on first use, as loading did.
@functools.lru_cache(maxsize=32_768)
def split_heads(term: str) -> list[tuple[str, str]] | None:
    """Rewrite ``term`` as alternatives ``(head, rest)`` whose union is the term: ``head``
    is the literal word characters a match starts with ("" when it starts with
    punctuation) and ``rest`` the regex source that follows. Leading groups are expanded
    (optional ones too). None when a match can start with any word (a class or a repeat
    first) or there are too many alternatives. The list is shared: do not change it."""
    out: list[tuple[str, str]] = []
    pending = [term]
    while pending:
        source = pending.pop()
        branches = _top_level_split(source)
        if len(branches) > 1:
            pending.extend(branches)
        elif source.startswith("("):
            expanded = _expand_group(source)
            if expanded is None:
                return None
            pending.extend(expanded)
        else:
            end = _literal_head(source)
            if end == 0 and not _starts_non_word(source):
                return None
            out.append((source[:end], source[end:]))
        if len(out) + len(pending) > _MAX_ALTERNATIVES:
            return None
    return out


def split_top_level(source: str) -> list[str]:
    """``source`` split at its top-level ``|``."""
    return _top_level_split(source)


def leading_branches(source: str) -> list[str] | None:
    """The top-level branches of ``source`` with their leading groups expanded (optional
    ones too), in the order ``re`` tries them; None when a leading group cannot be
    expanded (a look-around, a capturing group, a repeat) or there are too many."""
    out: list[str] = []
    for branch in _top_level_split(source):
        if not branch.startswith("("):
            out.append(branch)
            continue
        expanded = _expand_group(branch)
        if expanded is None:
            return None
        for item in expanded:
            more = leading_branches(item)
            if more is None:
                return None
            out.extend(more)
        if len(out) > _MAX_ALTERNATIVES:
            return None
    return out


def _expand_group(source: str) -> list[str] | None:
    """The alternatives of a source that starts with a non-capturing group: each branch
    followed by the rest, plus the rest alone when the group is optional."""
    close = _closing(source)
    inner = source[1:close]
    if close < 0 or not inner.startswith("?:"):
        return None  # look-arounds, flags and capturing groups are not expanded
    quantifier, after = _quantifier(source, close + 1)
    rest = source[after:]
    if quantifier not in ("", "?"):
        return None
    out = [branch + rest for branch in _top_level_split(inner[2:])]
    return [*out, rest] if quantifier == "?" else out


def _pieces(source: str) -> list[tuple[int, str]]:
    """(depth, atom) for each atom of ``source``: escapes and classes are one atom."""
    out: list[tuple[int, str]] = []
    depth, i = 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            out.append((depth, source[i : i + 2]))
            i += 2
            continue
        if char == "[":
            j = i + 1
            if j < len(source) and source[j] in "^]":
                j += 1
            while j < len(source) and source[j] != "]":
                j += 2 if source[j] == "\\" else 1
            out.append((depth, source[i : j + 1]))
            i = j + 1
            continue
        if char == ")":
            depth -= 1
        out.append((depth, char))
        if char == "(":
            depth += 1
        i += 1
    return out


def _top_level_split(source: str) -> list[str]:
    """Split ``source`` at its top-level ``|``."""
    if "|" not in source:
        return [source]
    parts: list[str] = []
    current: list[str] = []
    for depth, atom in _pieces(source):
        if depth == 0 and atom == "|":
            parts.append("".join(current))
            current = []
        else:
            current.append(atom)
    parts.append("".join(current))
    return parts


def _closing(source: str) -> int:
    """Index of the ``)`` that closes the group opened at index 0 (-1 if none)."""
    position = 0
    for depth, atom in _pieces(source):
        if atom == ")" and depth == 0:
            return position
        position += len(atom)
    return -1


def _quantifier(source: str, start: int) -> tuple[str, int]:
    """The quantifier at ``start`` (``?``, ``*``, ``+``, ``{m,n}``, maybe lazy) and its end."""
    if start >= len(source) or source[start] not in _QUANTIFIERS:
        return "", start
    end = source.find("}", start) + 1 if source[start] == "{" else start + 1
    if end < len(source) and source[end] in "?+":
        end += 1
    return source[start:end], end


def _literal_head(source: str) -> int:
    """Length of the literal word characters ``source`` starts with (a character followed
    by a quantifier is not part of it)."""
    end = 0
    while end < len(source) and _is_word(source[end]):
        if end + 1 < len(source) and source[end + 1] in _QUANTIFIERS:
            break
        end += 1
    return end


def _starts_non_word(source: str) -> bool:
    """True when every match of ``source`` surely starts with a non-word character."""
    try:
        items = list(sre_parse.parse(source))
    except re.error:
        return False
    if not items:
        return False
    op, arg = items[0]
    if op == sre.LITERAL:
        return not _is_word(chr(arg))
    if op == sre.IN:
        return all(
            (kind == sre.LITERAL and not _is_word(chr(value)))
            or (kind == sre.CATEGORY and value in _NON_WORD_CATEGORIES)
            for kind, value in arg
        )
    return False


def _ends_head_word(rest: str) -> bool:
    """True when a head followed by ``rest`` must be a whole word: ``rest`` is empty (the
    cue ends there), surely starts with a space (`` ``, ``\\s``, ``\\s+``, ``\\s{1,4}``, but
    not ``\\s*``, ``\\s?`` or ``\\s{0,2}``) or with an apostrophe or hyphen ("i'm",
    "e-mail"), or is a group whose every branch does. A string test: parsing every rest at
    load costs a tenth of a second."""
    if not rest or _SPACE_FIRST.match(rest) is not None:
        return True
    if _NON_WORD_FIRST.match(rest) is not None:
        return True
    if rest.startswith("(?:"):
        close = _closing(rest)
        quantifier, _ = _quantifier(rest, close + 1)
        if close > 0 and quantifier in ("", "+"):
            return all(_ends_head_word(b) for b in _top_level_split(rest[3:close]))
    return False


def infix_term(term: str) -> bool:
    """True when ``term`` starts with a Han, kana or Hangul character (matched anywhere,
    not only at word bounds)."""
    return bool(term) and _INFIX_SCRIPT.match(term) is not None


def _infix_scan(infix: dict[int, list[str]]) -> re.Pattern[str]:
    """One regex that stops only where an infix term matches: each first character is
    followed by a look-ahead for the rest of its terms, so ``re`` skips ahead in C to a
    candidate character and a lone kana that starts no term costs nothing in Python."""
    rests: dict[str, dict[str, None]] = defaultdict(dict)
    for terms in infix.values():
        for term in terms:
            rest = term[1:]
            # A quantified first character ("妻?") cannot be split: try every such place.
            rests[term[0]]["" if rest[:1] in _QUANTIFIERS else rest] = None
    branches = [
        re.escape(char) + ("" if "" in found else "(?=" + "|".join(found) + ")")
        for char, found in sorted(rests.items())
    ]
    return re.compile("|".join(branches))


def _is_word(char: str) -> bool:
    return bool(_WORD.fullmatch(char))


class _LazyPatterns(dict[int, re.Pattern[str]]):
    """Each cue's pattern, compiled the first time a text reaches it: most cues are never
    tried on a given text, and compiling them all made the engine slow to start."""

    def __init__(self, sources: list[str]) -> None:
        super().__init__()
        self._sources = sources

    @property
    def sources(self) -> list[str]:
        """Each cue's pattern source, ``(?:term|...)(?!\\w)``."""
        return self._sources

    def __missing__(self, index: int) -> re.Pattern[str]:
        pattern = self[index] = re.compile(self._sources[index])
        return pattern


class _NextWords:
    """Narrows the candidates of a frequent word by the word after it.

    "i" starts the terms of 50 cues, nearly all of them "i" followed by a space and one of
    a few words ("i will", "i have seen"). A cue all of whose terms that fit the word go
    on like that can only match where the next word starts with one of those heads, so
    it is not tried elsewhere; cues with any other term (a suffix, an apostrophe, a term
    led by punctuation or by a Han character, one that could start anywhere) are always
    tried. The candidates keep their order, so the hits come out as before."""

    def __init__(self, sources: list[str]) -> None:
        self._sources = sources
        self._terms: dict[int, tuple[tuple[str, str], ...] | None] = {}
        self._plans: dict[
            str, tuple[tuple[int, ...], dict[str, frozenset[int]], tuple[int, ...]]
        ] = {}
        self._memo: dict[tuple[str, str], tuple[int, ...]] = {}

    def narrow(self, word: str, indices: tuple[int, ...], text: str, end: int) -> tuple[int, ...]:
        """The cues of ``indices`` (the candidates of ``word``, which ends at ``end``)
        that may match given the next word."""
        if len(word) >= _MAX_WORD:
            return indices
        found = _NEXT_WORD.match(text, end)
        following = ""
        if found is not None:
            token = found.group(2)
            if len(token) - token.startswith("'") >= _MAX_WORD:
                return indices  # the next word may be longer than what was read of it
            following = ("'" if found.group(1) == "'" else " ") + token
        key = (word, following)
        narrowed = self._memo.get(key)
        if narrowed is None:
            narrowed = self._narrowed(word, indices, following)
            if len(self._memo) < _CACHE_LIMIT:
                self._memo[key] = narrowed
        return narrowed

    def _narrowed(self, word: str, indices: tuple[int, ...], following: str) -> tuple[int, ...]:
        always, by_head, lengths = self._plan(word, indices)
        keep = set(always)
        for length in lengths:
            keep.update(by_head.get(following[:length], ()))
        return tuple(index for index in indices if index in keep)

    def _plan(
        self, word: str, indices: tuple[int, ...]
    ) -> tuple[tuple[int, ...], dict[str, frozenset[int]], tuple[int, ...]]:
        """The cues always tried after ``word``, the others by the head the next word
        must start with, and the lengths of those heads."""
        plan = self._plans.get(word)
        if plan is not None:
            return plan
        always: list[int] = []
        by_head: dict[str, set[int]] = defaultdict(set)
        for index in indices:
            heads = self._next_heads(index, word)
            if heads is None:
                always.append(index)
            for head in heads or ():
                by_head[head].add(index)
        lengths = tuple(sorted({len(head) for head in by_head}))
        plan = tuple(always), {h: frozenset(ids) for h, ids in by_head.items()}, lengths
        if len(self._plans) < _CACHE_LIMIT:
            self._plans[word] = plan
        return plan

    def _next_heads(self, index: int, word: str) -> list[str] | None:
        """Heads the next word must start with for cue ``index`` to match at ``word``;
        None when some term of the cue could match there otherwise."""
        alternatives = self._alternatives(index)
        if alternatives is None:
            return None
        heads: list[str] = []
        for head, rest in alternatives:
            if not head or not word.startswith(head):
                continue  # led by punctuation, or cannot start this word
            if head != word and _ends_head_word(rest):
                continue  # the head must be the whole word
            if head != word or rest == _ANYTHING:
                return None
            found = _next_heads(rest)
            if found is None:
                return None
            heads.extend(found)
        return heads

    def _alternatives(self, index: int) -> tuple[tuple[str, str], ...] | None:
        """Every ``(head, rest)`` of cue ``index``'s terms, None when a term has none (it
        could start anywhere, or is led by a Han, kana or Hangul character)."""
        if index in self._terms:
            return self._terms[index]
        found = _cue_alternatives(self._sources[index])
        self._terms[index] = found
        return found


def _cue_alternatives(source: str) -> tuple[tuple[str, str], ...] | None:
    """Every ``(head, rest)`` of the terms of a cue's pattern ``source``; a term led by a
    Han, kana or Hangul character is ``(that character, _ANYTHING)``."""
    out: list[tuple[str, str]] = []
    for term in _top_level_split(source[len("(?:") : -len(_CUE_END)]):
        if infix_term(term) and term[1:2] not in _QUANTIFIERS:
            out.append((term[0], _ANYTHING))  # may match wherever a word starts with it
            continue
        alternatives = split_heads(term)
        if alternatives is None:
            return None
        out.extend(alternatives)
    return tuple(out)


def _next_heads(rest: str) -> list[str] | None:
    """What must follow a whole word for ``rest`` to match after it: a space step or an
    apostrophe (as ``" "`` or ``"'"``) and how the next token starts (an apostrophe may
    lead it); None when ``rest`` could go on otherwise. Leading groups are expanded,
    optional ones too."""
    out: list[str] = []
    for branch in _branches(rest) or [""]:
        if _space_step_first(branch):
            separator, tail = " ", branch[len(_SPACE_STEP) :]
        elif branch.startswith("'"):
            separator, tail = "'", branch[1:]
        else:
            return None
        for token in _branches(tail) or [""]:
            quote = "'" if separator == " " and token.startswith("'") else ""
            end = _literal_head(token[len(quote) :])
            if end == 0:
                return None
            out.append(separator + quote + token[len(quote) : len(quote) + end])
        if len(out) > _MAX_ALTERNATIVES:
            return None
    return out


def _branches(source: str) -> list[str] | None:
    """``source`` with its leading groups expanded (optional ones too); None when that
    is not possible or gives too many branches."""
    out: list[str] = []
    pending = [source]
    while pending:
        item = pending.pop()
        if item.startswith("(?:"):
            expanded = _expand_group(item)
            if expanded is None:
                return None
            pending.extend(expanded)
        else:
            out.append(item)
        if len(out) + len(pending) > _MAX_ALTERNATIVES:
            return None
    return out


class _Node:
    __slots__ = ("children", "rests")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.rests: dict[str, None] = {}


def _trie_regex(node: _Node) -> str:
    """A regex walking the trie below ``node``; each head ends in a look-ahead for its
    rests followed by the end of a word."""
    parts = []
    if node.rests:
        parts.append("(?=" + _rests_regex(list(node.rests)) + r"(?!\w))")
    parts.extend(re.escape(char) + _trie_regex(child) for char, child in node.children.items())
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _rests_regex(rests: list[str]) -> str:
    """One alternation of ``rests``; the scan only asks whether one matches, so their
    order is free. The rests that need the head to end its word sit behind one test of
    that (``the`` has 69 of them, none worth trying in ``there``), and those that go on
    after ``\\s{1,4}`` share one space step."""
    whole = [rest for rest in rests if _ends_head_word(rest)]
    spaced = [rest[len(_SPACE_STEP) :] for rest in whole if _space_step_first(rest)]
    parts = [rest for rest in rests if rest not in whole]
    others = [rest for rest in whole if not _space_step_first(rest)]
    if len(spaced) > 1:
        others.append(_SPACE_STEP + "(?:" + "|".join(spaced) + ")")
    else:
        others.extend(_SPACE_STEP + rest for rest in spaced)
    if others:
        parts.append(r"(?!\w)" + _group(others))
    return _group(parts)


def _space_step_first(rest: str) -> bool:
    """True when ``rest`` starts with the plain space step (not ``\\s{1,4}?`` or ``+``)."""
    return rest.startswith(_SPACE_STEP) and rest[len(_SPACE_STEP) : len(_SPACE_STEP) + 1] not in (
        "?",
        "+",
    )


def _group(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


class LexiconIndex:
    """Immutable index over ``{(category, cue): [regex terms]}`` (the memo is internal)."""

    def __init__(self, cues: dict[CueKey, list[str]], patterns: PatternCache | None = None) -> None:
        self._keys: list[CueKey] = list(cues)
        folded = [[fold_term(t) for t in terms] for terms in cues.values()]
        self._patterns = _LazyPatterns([r"(?:" + "|".join(ts) + r")(?!\w)" for ts in folded])
        root = _Node()
        # Cues by the heads that may start a longer word, by length, and by the heads
        # that must be a whole word (a rest that starts with a space, or none).
        self._heads: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        self._whole: dict[str, set[int]] = defaultdict(set)
        self._wide: list[tuple[int, str]] = []
        punctuation: list[tuple[int, str]] = []
        infix: dict[int, list[str]] = defaultdict(list)
        infix_first: dict[str, set[int]] = defaultdict(set)
        for index, terms in enumerate(folded):
            for term in terms:
                if infix_term(term):
                    infix[index].append(term)
                    infix_first[term[0]].add(index)
                    continue
                alternatives = split_heads(term)
                if alternatives is None:
                    self._wide.append((index, term))
                for head, rest in alternatives or []:
                    if not head:
                        punctuation.append((index, rest))
                        continue
                    if _ends_head_word(rest):
                        self._whole[head].add(index)  # the head must be the whole word
                    else:
                        self._heads[len(head)][head].add(index)
                    node = root
                    for char in head:
                        node = node.children.setdefault(char, _Node())
                    node.rests[rest] = None
        # Words that start no cue are crossed inside one match (a possessive loop over
        # whole words), so ``re`` neither returns to Python for them nor tries the trie in
        # the middle of a word; the word that starts a cue is group 1 (at most _MAX_WORD
        # characters of it). The match at the end of the text has no group 1.
        self._scan = (patterns or PatternCache(None)).compile(
            rf"\W*+(?:(?!{_trie_regex(root)})\w++\W*+)*+(?:(\w{{1,{_MAX_WORD}}})\w*+)?"
        )
        self._wide_scan = (
            re.compile(r"\b(?:" + "|".join(t for _, t in self._wide) + r")(?!\w)")
            if self._wide
            else None
        )
        self._wide_keys = tuple(sorted({i for i, _ in self._wide}))
        # Literal first characters let ``re`` skip ahead in C; the word-boundary test
        # before a hit is done afterwards, on the few hits.
        self._punctuation = re.compile("|".join(t for _, t in punctuation)) if punctuation else None
        self._punctuation_keys = tuple(sorted({i for i, _ in punctuation}))
        self._memo: dict[str, tuple[int, ...]] = {}
        self._infix_first = {char: tuple(sorted(ids)) for char, ids in infix_first.items()}
        self._infix_patterns = {i: re.compile("|".join(ts)) for i, ts in infix.items()}
        self._infix_scan = _infix_scan(infix) if infix else None

    @property
    def wide_terms(self) -> list[str]:
        """Terms that could start at any word (each costs a regex attempt per word)."""
        return [term for _, term in self._wide]

    def _candidates(self, word: str) -> tuple[int, ...]:
        """Cue indices whose heads start ``word``, or are all of it for heads that must end
        a word (memoised; the memo stops growing at its limit)."""
        found = self._memo.get(word)
        if found is None:
            indices = set(self._whole.get(word, ()))
            for length, table in self._heads.items():
                if len(word) >= length:
                    indices.update(table.get(word[:length], ()))
            found = tuple(sorted(indices))
            if len(self._memo) < _CACHE_LIMIT:
                self._memo[word] = found
        return found

    def _narrowing(self) -> _NextWords:
        """The next-word filter of the candidates, built on first use."""
        found: _NextWords | None = getattr(self, "_next_words", None)
        if found is None:
            found = self._next_words = _NextWords(self._patterns.sources)
        return found

    def find(self, text: str) -> dict[CueKey, list[tuple[int, int]]]:
        """All cue hits in ``text`` (already normalised), keyed by (category, cue)."""
        hits: dict[CueKey, list[tuple[int, int]]] = defaultdict(list)
        if not self._keys:
            return hits
        memo, candidates, patterns, keys = self._memo, self._candidates, self._patterns, self._keys
        narrow = self._narrowing().narrow
        for match in self._scan.finditer(text):
            word = match.group(1)
            if word is None:
                continue
            position = match.start(1)
            indices = memo.get(word)
            if indices is None:
                indices = candidates(word)
            if len(indices) > _FEW:
                indices = narrow(word, indices, text, match.end())
            for index in indices:
                found = patterns[index].match(text, position)
                if found is not None and found.end() > position:
                    hits[keys[index]].append((position, found.end()))
        if self._wide_scan is not None:
            for match in self._wide_scan.finditer(text):
                self._try(text, match.start(), self._wide_keys, hits)
        if self._punctuation is not None:
            for match in self._punctuation.finditer(text):
                position = match.start()
                if position == 0 or not _WORD.match(text, position - 1):
                    self._try(text, position, self._punctuation_keys, hits)
        if self._infix_scan is not None and not text.isascii():
            self._find_infix(self._infix_scan, text, hits)
        for spans in hits.values():
            spans.sort()
        return hits

    def _find_infix(
        self, scan: re.Pattern[str], text: str, hits: dict[CueKey, list[tuple[int, int]]]
    ) -> None:
        """Terms led by Han, kana or Hangul, found anywhere: ``re`` skips to each of their
        first characters in C, and only the cues starting with it are tried there."""
        for match in scan.finditer(text):
            position = match.start()
            for index in self._infix_first[match.group()]:
                found = self._infix_patterns[index].match(text, position)
                if found is not None and found.end() > position:
                    hits[self._keys[index]].append((position, found.end()))

    def _try(
        self,
        text: str,
        position: int,
        candidates: tuple[int, ...],
        hits: dict[CueKey, list[tuple[int, int]]],
    ) -> None:
        for index in candidates:
            found = self._patterns[index].match(text, position)
            if found is not None and found.end() > position:
                hits[self._keys[index]].append((position, found.end()))
