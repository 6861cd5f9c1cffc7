"""Code-level checks that confirm a regex hit: checksums, entropy, placeholders.

Each validator takes the matched value and a little context (the text just before it) and
returns a multiplier in [0, 1]: 0 rejects the hit, 1 keeps the rule's score.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from collections.abc import Callable

_PLACEHOLDER = re.compile(
    r"example|xxxx|your[_-]?|replace|placeholder|dummy|fake|sample|changeme|redacted|"
    r"\*\*\*|<[^>]{0,40}>|\$\{|\{\{|insert|here|todo|test_|_test|foobar|secret123|"
    r"password123|hunter2|abcdef|123456|000000",
    re.IGNORECASE,
)
_KNOWN_EXAMPLES = frozenset({"akiaiosfodnn7example", "wjalrxutnfemi/k7mdeng/bpxrficyexamplekey"})
_TEST_CARDS = frozenset(
    {
        "4242424242424242",
        "4000000000000002",
        "4111111111111111",
        "5555555555554444",
        "378282246310005",
        "6011111111111117",
        "4000056655665556",
        "5105105105105100",
    }
)
_TOLL_FREE = re.compile(r"^\+?1?[\s.-]?\(?(800|888|877|866|855|844|833)\b|^0800")
_ROLE_MAILBOX = re.compile(
    r"^(support|help|info|contact|hello|sales|billing|noreply|no-reply|donotreply|admin|"
    r"team|press|media|careers|jobs|privacy|security|abuse|postmaster|webmaster|office|"
    r"service|customerservice|feedback|enquiries|inquiries|accounts|ap|ar|hr|legal|it|ops|"
    r"it-ops|all-staff|tips|newsroom|partnerships|procurement|marketing)@",
    re.IGNORECASE,
)
_EXAMPLE_DOMAIN = re.compile(
    r"@(?:[\w.-]{0,60}\.)?(?:example|test|invalid|localhost)(?:\.\w{2,6})?$"
)
_PERSONAL_DOMAIN = re.compile(
    r"@(?:gmail|googlemail|yahoo|hotmail|outlook|live|icloud|me|aol|proton|protonmail|gmx|"
    r"fastmail|mail|yandex|web|orange|free|comcast|btinternet|hey)\.",
    re.IGNORECASE,
)


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(c / total * math.log2(c / total) for c in counts.values())


_TEMPLATE_WORD = re.compile(
    r"(?<![a-z])(?:password|passwd|pass|user(?:name)?|host|token|secret|api_?key)(?![a-z])",
    re.IGNORECASE,
)


def looks_placeholder(value: str) -> bool:
    """True for documented examples, templates, masks and low-variety strings."""
    lowered = value.lower()
    if _TEMPLATE_WORD.search(value):
        return True
    body = re.sub(r"^[a-z]{2,6}[_-]", "", lowered)
    if len(set(body)) <= 4 or lowered in _KNOWN_EXAMPLES:
        return True
    return bool(_PLACEHOLDER.search(value) or re.search(r"(.)\1{5}", body))


def secret(value: str, before: str = "") -> float:
    """Live-looking credential: not a placeholder, enough entropy and character variety."""
    if looks_placeholder(value):
        return 0.0
    core = value.split(":", 1)[-1]
    classes = sum(bool(re.search(p, core)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^\w]"))
    if shannon_entropy(core) < 3.0 or classes < 2:
        return 0.0
    return 1.0


def password(value: str, before: str = "") -> float:
    """A password/secret assignment value: not a placeholder, variable read or mask."""
    stripped = value.strip("'\"`")
    if not stripped or looks_placeholder(stripped) or len(stripped) < 6:
        return 0.0
    if re.match(r"^(?:os\.|process\.env|env\(|getenv|\$|%|none|null|true|false)", stripped, re.I):
        return 0.0
    classes = sum(bool(re.search(p, stripped)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^\w]"))
    return 1.0 if classes >= 3 and shannon_entropy(stripped) >= 2.5 else 0.0


def luhn(value: str, before: str = "") -> float:
    """Card number: Luhn-valid, 13–19 digits, not a published test card."""
    digits = re.sub(r"\D", "", value)
    if not 13 <= len(digits) <= 19 or digits in _TEST_CARDS or len(set(digits)) <= 2:
        return 0.0
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return 1.0 if total % 10 == 0 else 0.0


def iban(value: str, before: str = "") -> float:
    """IBAN with a valid mod-97 checksum."""
    compact = re.sub(r"\s", "", value).upper()
    if not 15 <= len(compact) <= 34:
        return 0.0
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return 1.0 if int(numeric) % 97 == 1 else 0.0


def ssn(value: str, before: str = "") -> float:
    """US SSN shape with valid area/group/serial numbers."""
    digits = re.sub(r"\D", "", value)
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area >= "900" or group == "00" or serial == "0000":
        return 0.0
    return 1.0


_DATE_OR_TIME = re.compile(
    r"^(?:(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])|"
    r"(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)\d\d|\d{1,2}:\d\d)"
)
_SSN_OR_IP = re.compile(r"^(?:\d{3}-\d{2}-\d{4}|\d{1,3}(?:\.\d{1,3}){3})$")
_PHONE_CONTEXT = re.compile(
    r"(?:phone|call|tel|mobile|cell|number|fax|contact|reach|whatsapp|sms|text)"
    r"(?:\W{1,3}(?:is|was|number|no|on|at|me|him|her|them)){0,3}\W{0,3}$",
    re.I,
)


def phone(value: str, before: str = "") -> float:
    """Personal-looking phone number: not toll-free, not a support line, not a date, an
    SSN or an IP address; one or two digit groups ("370 3911", a bare run) count only
    with a ``+``/``(`` prefix or after a word such as "phone" or "call"."""
    value = value.strip()
    if _TOLL_FREE.search(value) or _DATE_OR_TIME.match(value):
        return 0.0
    context = _PHONE_CONTEXT.search(before[-40:]) is not None
    groups = re.findall(r"\d+", value)
    if _SSN_OR_IP.match(value) or (len(groups) <= 2 and not context and value[0] not in "+("):
        return 0.0
    if re.search(
        r"(support|call us|helpline|hotline|customer service|toll|fax)\W{0,3}[\w ]{0,20}$",
        before,
        re.I,
    ):
        return 0.0
    digits = re.sub(r"\D", "", value)
    return 0.0 if not 7 <= len(digits) <= 15 or len(set(digits)) <= 2 else 1.0


def email(value: str, before: str = "") -> float:
    """Personal e-mail address: 1 for webmail, 0.5 for named work mail, 0 for roles/examples."""
    if _EXAMPLE_DOMAIN.search(value.lower()) or _ROLE_MAILBOX.match(value):
        return 0.0
    if re.search(
        r"(?:^|\n)\s{0,8}(?:\"?(?:to|from|cc|bcc|reply-to|de|para|von|an)\"?\s*:)[^\n]{0,200}$",
        before,
        re.I,
    ):
        return 0.0
    return 1.0 if _PERSONAL_DOMAIN.search(value) else 0.5


def ip_address(value: str, before: str = "") -> float:
    """A public (or documentation-range) IPv4 address; private and loopback are not PII."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return 0.0
    if address.is_loopback or address.is_unspecified or address.is_multicast:
        return 0.0
    if address.is_private and not _is_documentation(address):
        return 0.0
    return 1.0


def _is_documentation(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(
        address in ipaddress.ip_network(net)
        for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
    )


VALIDATORS: dict[str, Callable[[str, str], float]] = {
    "secret": secret,
    "password": password,
    "luhn": luhn,
    "iban": iban,
    "ssn": ssn,
    "phone": phone,
    "email": email,
    "ip": ip_address,
}
