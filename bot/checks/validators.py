"""Code-level checks that confirm a regex hit: checksums, entropy, placeholders, context.

Each validator takes the matched value and a little context (``before``: up to 120
characters before it; ``after``: up to 60 characters after it) and returns a multiplier in
[0, 1]: 0 rejects the hit, 1 keeps the rule's score, and a value in between keeps the hit
(it is still found and masked) with a lower score.

Contact details (phones, street addresses, IP addresses) are weighed by
:func:`contact_context`: in a business context (a job title, a helpline or switchboard, a
signature, a company name, a registered office, a server) they are an organisation's
contact detail, not personal data, and keep only ``BUSINESS_FACTOR`` of their score, which
puts them under the evidence floor; personal context (home, personal, mobile, "lives at",
"his number", a date of birth) always keeps the full score.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from collections.abc import Callable
from urllib.parse import unquote

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


def secret(value: str, before: str = "", after: str = "") -> float:
    """Live-looking credential: not a placeholder, enough entropy and character variety."""
    if looks_placeholder(value):
        return 0.0
    core = value.split(":", 1)[-1]
    classes = sum(bool(re.search(p, core)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^\w]"))
    if shannon_entropy(core) < 3.0 or classes < 2:
        return 0.0
    return 1.0


def key(value: str, before: str = "", after: str = "") -> float:
    """A value named as a key, secret or token: random-looking (hex counts), not a path."""
    if value.count("/") > 1:
        return 0.0
    return secret(value, before, after)


_KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{16,80}$")


def private_key(value: str, before: str = "", after: str = "") -> float:
    """The start of a private key block: its body is key material, not a run of one letter
    or a documented example. (The span of the whole block is found in ``bot.checks.scan``.)"""
    body = _KEY_BODY.search(value)
    if body is None or len(set(body.group())) < 10 or "example" in body.group().lower():
        return 0.0
    return 1.0


# Values that are not passwords: a file path, or a value encrypted in place (SOPS' ENC[…]).
_NOT_A_PASSWORD = re.compile(r"^(?:~?/|\.{1,2}/|ENC\[)")


def password(value: str, before: str = "", after: str = "") -> float:
    """A password/secret assignment value: not a placeholder, variable read or mask."""
    stripped = value.strip("'\"`")
    if not stripped or looks_placeholder(stripped) or len(stripped) < 6:
        return 0.0
    if re.match(r"^(?:os\.|process\.env|env\(|getenv|\$|%|none|null|true|false)", stripped, re.I):
        return 0.0
    if _NOT_A_PASSWORD.match(stripped):
        return 0.0
    classes = sum(bool(re.search(p, stripped)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^\w]"))
    return 1.0 if classes >= 3 and shannon_entropy(stripped) >= 2.5 else 0.0


def luhn(value: str, before: str = "", after: str = "") -> float:
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


def iban(value: str, before: str = "", after: str = "") -> float:
    """IBAN with a valid mod-97 checksum."""
    compact = re.sub(r"\s", "", value).upper()
    if not 15 <= len(compact) <= 34:
        return 0.0
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return 1.0 if int(numeric) % 97 == 1 else 0.0


def ssn(value: str, before: str = "", after: str = "") -> float:
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


# -- contact context -------------------------------------------------------------------

# A contact detail's context is its own clause: the text before it back to the last
# sentence end or blank line (a signature block has neither, so it stays whole), and the
# text after it up to the next sentence end or line break.
_CLAUSE_START = re.compile(r"[\s\S]*(?:[a-z0-9)\]][.!?][ \t]+(?=[A-Z\"'])|\n[ \t]*\n)")
_CLAUSE_END = re.compile(r"[.!?](?:\s|$)|\n")
# Whose detail it is. Personal words win over business ones. Single words are looked up
# in sets of the clause's lower-cased words and only phrases go through a regex: one
# regex of every term costs ~50 µs a hit, and a pasted address book has many hits.
_WORDS = re.compile(r"\w+(?:-\w+)*")


def _lexicon(*lines: str) -> frozenset[str]:
    """The words of ``lines`` (space-separated) as a set."""
    return frozenset(word for line in lines for word in line.split())


_PERSONAL_WORDS = _lexicon(
    "home private cell cellphone lives resides reside residence residential "
    "dob born ssn whereabouts "
    # es
    "casa particular privado privada móvil movil celular vive "
    # de
    "wohnt wohnhaft wohnadresse wohnanschrift zuhause geburtsdatum geboren "
    # fr
    "domicile personnel personnelle privé privée habite portable",
)
_PERSONAL_PHRASES = re.compile(
    r"\b(?:personal(?! assistant)|privat|handy|mobil|living at|date of birth|social security|"
    r"look (?:up|(?:him|her|them) up)|track (?:down|(?:him|her|them) down)|"
    r"(?:his|her|their) (?:own )?(?:number|phone|address|email|e-mail|ip)\b|"
    r"domicilio(?! social)|su (?:n[uú]mero|direcci[oó]n|tel[eé]fono)|fecha de nacimiento|"
    r"zu hause|(?:seine|ihre) (?:nummer|adresse|telefonnummer)|"
    r"date de naissance|n[ée]e? le|(?:son|sa) (?:num[ée]ro|adresse|ligne))"
)
_BUSINESS_WORDS = _lexicon(
    "office offices headquarters hq premises switchboard reception helpline hotline "
    "helpdesk out-of-hours after-hours eap enquiries inquiries manager director "
    "coordinator co-ordinator administrator receptionist secretary regards sincerely "
    # es
    "oficina oficinas centralita recepción recepcion sede empresa guardia saludos "
    "atentamente "
    # de
    "büro buro zentrale empfang geschäftsstelle geschäftsadresse firmensitz sitz "
    "durchwahl kanzlei sekretariat kundenservice kundendienst servicenummer "
    "rufbereitschaft notdienst grüßen grüssen "
    # fr
    "bureau bureaux accueil siège siege permanence astreinte société "
    "societe cordialement",
)
_BUSINESS_PHRASES = re.compile(
    r"\b(?:registered (?:address|in)|front desk|main (?:line|number)|direct (?:line|dial)|"
    r"ext(?:ension)?\.? ?\d|help (?:line|desk)|service desk|out of hours|after hours|"
    r"on[- ]call (?:line|number|phone|team)|duty (?:line|phone)|employee assistance|"
    r"customer (?:service|care|support)|support (?:line|team|desk)|"
    r"work (?:number|phone|line|address)|business address|"
    r"(?:business|trade|retail|science|industrial) (?:park|estate|centre|center)|"
    r"company(?:'s)? (?:no|number|address|registration)|"
    r"our (?:site|warehouse|depot|branch|store|shop|clinic|practice|team)|"
    r"(?:i'm|i am|i'll be|we're|we are) (?:available|reachable|contactable)|"
    r"(?:by )?reply(?:ing)? (?:here|to this)|best wishes|yours (?:faithfully|truly)|"
    r"atenci[oó]n al cliente|l[ií]nea de (?:ayuda|atenci[oó]n)|domicilio social|"
    r"ligne d'assistance|service client|(?:le|au|du) standard|cabinet d)"
)
# Job titles and company forms are read in their usual capitals ("Contracts Lead",
# "Acme Ltd", "Nordwerk GmbH"), which keeps "lead", "partner" or "sa" in prose out.
_ORGANISATION = re.compile(
    r"\b(?:Manager|Director|Officer|Coordinator|Administrator|Secretary|Supervisor|"
    r"Consultant|Adviser|Advisor|Analyst|Accountant|Controller|Solicitor|Paralegal|Recruiter|"
    r"Specialist|Executive|Lead|Partner|Associate|Representative|Clerk|Engineer|Head of|"
    r"CEO|CFO|CTO|COO|CIO|VP|"
    r"Ltd|Limited|LLC|LLP|Inc|PLC|plc|GmbH|AG|KG|SA|SAS|SARL|SL|SpA|Srl|BV|NV|Pty|Corp)\b"
    r"|\bS\.(?:A|L|p\.A)\.",
)
# An IP address is the organisation's when a machine is named beside it.
_HOST_WORDS = _lexicon(
    "server servers host hosts hostname endpoint endpoints gateway proxy loadbalancer "
    "firewall vpn dns resolver node cluster instance vm router subnet cidr allowlist "
    "allow-list whitelist blocklist block-list egress ingress ftp sftp ssh smtp mx nat "
    "bastion upstream peer partner vendor datacenter db database api cdn replica staging "
    "prod production servidor serveur passerelle hôte hote pasarela",
)
_HOST_PHRASES = re.compile(r"\b(?:load balancer|data cent(?:er|re))")
BUSINESS_FACTOR = 0.5
# The recipient field of a message or tool call ("to": "+44 …") addresses someone; it
# does not reveal their data on its own (kept, so that it is masked, at a lower score).
_RECIPIENT = re.compile(
    r"(?:^|[\n{,])\s{0,8}[\"']?(?:to|recipients?|cc|bcc|para|an|[àa])[\"']?\s{0,3}[:=]\s{0,3}"
    r"\[?\s{0,3}[\"']?$",
    re.IGNORECASE,
)
# A mobile number by its format (with separators removed) is a person's, whatever its
# context: UK 07…, French 06/07…, German +49 15/16/17… (a bare 015x/016x/017x is also a
# UK landline such as 0161), Spanish 6…/7… (nine digits).
_MOBILE = re.compile(
    r"^(?:(?:\+|00)44(?:0)?7\d{9}|07\d{9}|(?:\+|00)33(?:0)?[67]\d{8}|0[67]\d{8}|"
    r"(?:\+|00)49(?:0)?1[567]\d{7,9}|(?:\+|00)34[67]\d{8}|[67]\d{8})$"
)


def contact_context(before: str, after: str, *, hosts: bool = False) -> float:
    """Multiplier for a contact detail: ``BUSINESS_FACTOR`` when its clause names an
    organisation's contact point (or, with ``hosts``, a machine) and nothing personal,
    1.0 otherwise."""
    start = _CLAUSE_START.match(before)
    before = before[start.end() :] if start else before
    end = _CLAUSE_END.search(after)
    after = after[: end.start()] if end else after
    clause = f"{before} {after}".lower()
    words = set(_WORDS.findall(clause))
    business = (
        not words.isdisjoint(_BUSINESS_WORDS)
        or _BUSINESS_PHRASES.search(clause) is not None
        or _ORGANISATION.search(before) is not None
        or _ORGANISATION.search(after) is not None
        or (hosts and (not words.isdisjoint(_HOST_WORDS) or _HOST_PHRASES.search(clause)))
    )
    if not business:
        return 1.0
    personal = not words.isdisjoint(_PERSONAL_WORDS) or _PERSONAL_PHRASES.search(clause)
    return 1.0 if personal else BUSINESS_FACTOR


def address(value: str, before: str = "", after: str = "") -> float:
    """A street address or postcode: full score unless it is an organisation's address."""
    return contact_context(before, after)


# A number named as an account, order, ticket, case, invoice or protocol number.
_REFERENCE = re.compile(
    r"(?:account|acct|order|ticket|case|invoice|ref(?:erence)?|protocol|protocolo|pedido|"
    r"commande|bestellung|auftrag|rechnung|rechnungsnummer|factura|fatura|tracking|serial|"
    r"job|sku|po)\b[ \t]{0,2}(?:number|no\.?|nr\.?|n[º°o]\.?|#|id)?[ \t]{0,2}[:=#]?[ \t]{0,2}[\"']?$",
    re.I,
)


def phone(value: str, before: str = "", after: str = "") -> float:
    """Personal-looking phone number: not toll-free, not a support line, not a date, an
    SSN or an IP address; one or two digit groups ("370 3911", a bare run) count only
    with a ``+``/``(`` prefix or after a word such as "phone" or "call". An office,
    helpline or signature number counts at ``BUSINESS_FACTOR`` (:func:`contact_context`)."""
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
    if not 7 <= len(digits) <= 15 or len(set(digits)) <= 2:
        return 0.0
    if _REFERENCE.search(before[-40:]):
        return 0.0
    if _RECIPIENT.search(before):
        return BUSINESS_FACTOR
    if _MOBILE.match(re.sub(r"[\s().-]", "", value)):
        return 1.0
    return contact_context(before, after)


def email(value: str, before: str = "", after: str = "") -> float:
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


def ip_address(value: str, before: str = "", after: str = "") -> float:
    """A public (or documentation-range) IPv4 address; private and loopback are not PII,
    and a server's, host's or office's address counts at ``BUSINESS_FACTOR``."""
    try:
        parsed = ipaddress.ip_address(value)
    except ValueError:
        return 0.0
    if parsed.is_loopback or parsed.is_unspecified or parsed.is_multicast:
        return 0.0
    if parsed.is_private and not _is_documentation(parsed):
        return 0.0
    return contact_context(before, after, hosts=True)


def _is_documentation(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(
        address in ipaddress.ip_network(net)
        for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
    )


def national_id(value: str, before: str = "", after: str = "") -> float:
    """An identity number after its name: enough digits, not a year, date or run of one digit."""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 5 or len(set(digits)) <= 2 or _DATE_OR_TIME.match(value):
        return 0.0
    return 1.0


def encoded_email(value: str, before: str = "", after: str = "") -> float:
    """A percent-encoded e-mail address: a URL carries someone's address off, whatever
    its domain, unless it is a role mailbox or an example."""
    return 1.0 if email(unquote(value)) > 0 else 0.0


VALIDATORS: dict[str, Callable[[str, str, str], float]] = {
    "secret": secret,
    "private_key": private_key,
    "password": password,
    "key": key,
    "national_id": national_id,
    "encoded_email": encoded_email,
    "luhn": luhn,
    "iban": iban,
    "ssn": ssn,
    "phone": phone,
    "email": email,
    "ip": ip_address,
    "address": address,
}
