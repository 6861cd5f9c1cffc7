"""A cheap language guess, good enough to group evaluation items by language.

:func:`detect` returns an ISO 639-1 code. Non-Latin scripts decide first, by the share of
letters in each script (kana means Japanese, Hangul Korean, Han without kana Chinese,
Cyrillic Russian, Arabic script Arabic, Devanagari Hindi): pasted transcripts wrap such
text in English speaker labels, tags and tool calls, so a script needs only
``SCRIPT_SHARE`` of the letters. Latin-script text is then scored by counts of common
function words and of letters only one candidate language uses (``ñ``, ``ß``, ``ł``...);
English wins ties and text without letters. It is a guess for grouping figures, not a
classifier to trust on one short line.
"""

from __future__ import annotations

import re
from collections import Counter

# Fraction of letters a non-Latin script needs for the text to count as written in it.
SCRIPT_SHARE = 0.2
# Weight of one CJK character against one Latin letter (a CJK character is nearer a word).
CJK_WEIGHT = 3
MAX_CHARS = 4000

GROUPS: dict[str, tuple[str, ...]] = {
    "English": ("en",),
    "Latin script": ("es", "de", "fr", "pt", "it", "nl", "pl", "tr"),
    "CJK": ("ja", "zh", "ko"),
    "other scripts": ("hi", "ar", "ru"),
}
_GROUP_OF = {code: group for group, codes in GROUPS.items() for code in codes}

_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and is to of you i that for with it this not are be have was your my can "
        "what will",
        "es": "el los las y es por para con una su está pero muy lo del al tu mi qué cómo "
        "usted hola gracias puedo",
        "pt": "não você é um uma os do da em com mais isso está pra meu minha obrigado "
        "olá seu sua pode",
        "fr": "le les et est vous je pas pour avec une des que ce il elle nous mais sur "
        "au du bonjour",
        "de": "der die das und ist nicht ich sie mit für ein eine zu auch auf den dem "
        "sich wir bitte",
        "it": "il di che è per non sono della gli ho questo anche mi ti ciao grazie puoi come cosa",
        "nl": "het een en ik je niet van dat op te met voor zijn wat mijn kun ook bedankt hoe",
        "pl": "nie się jest że na co jak mam już dla czy ale tak jestem mój proszę przez jeśli",
        "tr": "bir ve bu için çok ben sen ile yok ama gibi değil mısın musun lütfen nasıl neden",
    }.items()
}
# Letters that only one of the candidate Latin-script languages uses.
_LETTERS: dict[str, str] = {"es": "ñ¿¡", "pt": "ãõ", "de": "ß", "pl": "łąęśźżćń", "tr": "şğı"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _script(char: str) -> str | None:
    """The script of a letter we distinguish, or None for Latin and anything else."""
    code = ord(char)
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "ko"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if 0x0400 <= code <= 0x04FF:
        return "ru"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "ar"
    if 0x0900 <= code <= 0x097F:
        return "hi"
    return None


def detect(text: str) -> str:
    """ISO 639-1 guess for ``text`` (its first ``MAX_CHARS`` characters)."""
    sample = text[:MAX_CHARS]
    scripts: Counter[str] = Counter()
    latin = 0
    for char in sample:
        if not char.isalpha():
            continue
        script = _script(char)
        if script is None:
            latin += 1
        else:
            scripts[script] += CJK_WEIGHT if script in ("kana", "han", "ko") else 1
    total = latin + sum(scripts.values())
    if total and scripts:
        kana, han = scripts.pop("kana", 0), scripts.pop("han", 0)
        if kana + han:
            scripts["ja" if kana * 10 >= kana + han else "zh"] = kana + han
        script, count = scripts.most_common(1)[0]
        if count >= SCRIPT_SHARE * total:
            return script
    return _latin(sample.lower())


def _latin(lowered: str) -> str:
    words = _WORD.findall(lowered)
    scores = {lang: sum(w in stops for w in words) for lang, stops in _STOPWORDS.items()}
    for lang, letters in _LETTERS.items():
        scores[lang] += sum(lowered.count(letter) for letter in letters)
    best = max(scores.values())
    return "en" if best == 0 or scores["en"] == best else max(scores, key=lambda k: scores[k])


def group(code: str) -> str:
    """The figure group of a language code: one of the keys of :data:`GROUPS`."""
    return _GROUP_OF.get(code, "other scripts")
