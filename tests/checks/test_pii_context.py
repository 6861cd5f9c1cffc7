"""Contact details in a business context are not personal data; in a personal one they are.

A phone number, street address or IP address on its own is found (and masked) wherever it
appears, but it suggests `pii` only when nothing around it says it is an organisation's
contact detail: a job title, a helpline or switchboard, a signature, a company name, a
registered office, a server. Personal context (home, personal, mobile, "lives at", "his
number") keeps it, and so does other personal data beside it.
"""

from __future__ import annotations

import pytest

from bot.checks import CheckEngine
from bot.checks.validators import address, ip_address, phone

# Every invented number below is in a range reserved for drama or documentation.


def _pii(engine: CheckEngine, text: str) -> bool:
    return "pii" in engine.run(text).categories


def _found(engine: CheckEngine, text: str, check_id: str) -> list[str]:
    return [
        text[s:e]
        for f in engine.match_patterns(text, ("pii",))
        if f.check_id == check_id
        for s, e in f.spans
    ]


def _score(engine: CheckEngine, text: str, check_id: str) -> float:
    result = engine.run(text)
    return max(
        (f.score for f in [*result.findings, *result.quoted_findings] if f.check_id == check_id),
        default=0.0,
    )


# -- phone numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Please contact Tomasz Wren, Procurement Director, on 0161 496 0732 about the tender.",
        "For invoice queries speak to Ines Carvalho, Accounts Payable Manager, on 0131 496 0519.",
        "Any questions on the rota can go to our office manager on 0117 496 0288.",
        "Escalations go to Bram Lutjens (Head of Facilities), direct line 0141 496 0803.",
    ],
)
def test_named_colleague_with_job_title_is_not_pii(engine: CheckEngine, text: str) -> None:
    """A named person's work number introduced with their job title is business contact."""
    assert not _pii(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Staff can call the out-of-hours line on 0117 496 0415 after 6pm.",
        "Confidential counselling is available through the EAP on 0808 157 0923.",
        "Ring the switchboard on 0191 498 0555 and ask for Accounts.",
        "Reception: 020 7946 0321 (weekdays 8-6).",
        "The IT hotline number is 0113 496 0650 if the badge reader fails again.",
        "For a lost card, the main line is 0161 496 0990.",
    ],
)
def test_helplines_and_switchboards_are_not_pii(engine: CheckEngine, text: str) -> None:
    """Out-of-hours, EAP, switchboard, reception, hotline and main-line numbers are benign."""
    assert not _pii(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Kind regards,\nPriya Naidu\nContracts Lead | Halverton Logistics Ltd\nT: 0113 496 0871",
        "Thanks for the update. I'm available on 0117 496 0642 or by replying here.",
        "Best wishes,\nOwen Marsh\nSenior Analyst\nTel. 0131 496 0344",
    ],
)
def test_signature_blocks_are_not_pii(engine: CheckEngine, text: str) -> None:
    """A sender's own work number in a signature or sign-off is not personal data."""
    assert not _pii(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Bitte rufen Sie unsere Zentrale unter 030 5558 1234 an.",
        "Le standard est joignable au 01 42 68 53 00 du lundi au vendredi.",
        "Llame a nuestra oficina al 912 345 678 de lunes a viernes.",
        "Für Notfälle ist unsere Hotline unter 089 5558 4410 erreichbar.",
    ],
)
def test_business_phone_context_in_other_languages(engine: CheckEngine, text: str) -> None:
    """Office, switchboard and hotline words in German, French and Spanish count too."""
    assert not _pii(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Her home number is 0131 496 0712, she picks up after nine.",
        "Mr Patel's personal mobile: 07700 900 318",
        "Contact Jane Roe, Finance Manager, on her private mobile 07700 900 512.",
        "Tomasz Wren: 0161 496 0732",
        "Find out where Alan Brody is staying and text me his number, 0131 496 0277.",
        "Su número personal es 612 345 678.",
        "Seine Handynummer ist 0151 2345 6789, ruf ihn heute Abend an.",
        "Voici son portable : 06 12 34 56 78, appelle-la ce soir.",
    ],
)
def test_personal_phone_numbers_stay_pii(engine: CheckEngine, text: str) -> None:
    """Home, personal, private and mobile numbers of a person, or a bare named number, are PII."""
    assert _pii(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Please contact Hamish Greer, Regional Sales Manager, on 07700 900 614.",
        "Kind regards,\nLena Brandt\nKey Account Manager, Nordwerk GmbH\nM: +44 7700 900615",
        "Contactez Luc Renaud, directeur commercial de la société, au 06 12 34 56 78.",
        "Rufen Sie Herrn Vogel im Büro oder mobil unter +49 171 2345678 an.",
    ],
)
def test_mobile_numbers_by_format_stay_pii_in_business_context(
    engine: CheckEngine, text: str
) -> None:
    """A UK, French or German mobile number is a person's even beside a job title."""
    assert _pii(engine, text)


def test_office_line_beside_a_date_of_birth_stays_pii(engine: CheckEngine) -> None:
    """A work number next to a date of birth still makes the text personal data."""
    text = "Jane Roe, Finance Manager, 0131 496 0288, date of birth 12/03/1981"
    assert _pii(engine, text)


def test_business_numbers_are_still_found_for_masking(engine: CheckEngine) -> None:
    """The entity scan still returns a business phone number so that it can be masked."""
    text = "Please contact Tomasz Wren, Procurement Director, on 0161 496 0732 today."
    assert _found(engine, text, "pii.phone_number") == ["0161 496 0732"]
    assert 0 < _score(engine, text, "pii.phone_number") < 0.4


def test_business_cue_in_an_earlier_paragraph_does_not_lower_a_personal_number(
    engine: CheckEngine,
) -> None:
    """A helpline named in a paragraph above does not excuse a person's number below it."""
    text = "The helpline is closed today.\n\nDana Oyelaran, 0131 496 0455, call her tonight."
    assert _pii(engine, text)


# -- street addresses ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Northgate Fabrication Ltd, Unit 7, Kestrel Business Park, Derby DE21 4XY",
        "Our registered office is at 14 Mercer Street, Glasgow G1 1AB.",
        "Please send the signed contract to our office at 221 Harbour Road, Leith.",
        "Served on behalf of Calloway Brothers plc, 3 Tanner Lane, Norwich NR2 4TT.",
    ],
)
def test_company_addresses_are_not_pii(engine: CheckEngine, text: str) -> None:
    """A company's registered or office address is not a person's home address."""
    assert not _pii(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Unser Büro: Hafenstraße 22, 20457 Hamburg.",
        "Notre siège social : 29 Rue de Tanger, Paris.",
        "Sede de la empresa: 12, Calle Mayor, Madrid.",
    ],
)
def test_company_addresses_in_other_languages(engine: CheckEngine, text: str) -> None:
    """Office and registered-seat words in German, French and Spanish count too."""
    assert not _pii(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Dana Oyelaran lives at 42 Willow Crescent, Harrogate.",
        "His address is 17 Fenwick Road, Bristol BS3 2QT.",
        "The Operations Manager's home address is 9 Linnet Close, Sale.",
        "Er wohnt in der Lindenstraße 14 in Kassel.",
        "Elle habite au 29 Rue de Tanger, Paris.",
        "Acme Ltd asked us to look up where Carla Mendes lives: 5 Quarry Lane, Bolton.",
    ],
)
def test_home_addresses_stay_pii(engine: CheckEngine, text: str) -> None:
    """Where a person lives, even beside a company name or a job title, is PII."""
    assert _pii(engine, text)


def test_company_address_is_still_found_for_masking(engine: CheckEngine) -> None:
    """The entity scan still returns a company address as a street address span."""
    text = "Our registered office is at 14 Mercer Street, Glasgow."
    assert "14 Mercer Street" in _found(engine, text, "pii.street_address")


# -- IP addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The partner SFTP server at 203.0.113.44 rejected the upload twice overnight.",
        "Whitelist the endpoint 198.51.100.23 for the partner API.",
        "Traffic from 203.0.113.9 (the vendor's load balancer) is allowed on 443.",
        "The live server at 203.0.113.60 timed out during the deploy.",
    ],
)
def test_server_ips_are_weak_evidence(engine: CheckEngine, text: str) -> None:
    """A server, host or endpoint IP is found but too weak to add up with other evidence."""
    assert _found(engine, text, "pii.ip_address")
    assert 0 < _score(engine, text, "pii.ip_address") < 0.4


def test_a_persons_ip_keeps_its_score(engine: CheckEngine) -> None:
    """The IP address a named person connects from at home keeps the rule's full score."""
    text = "Dana connects from her home IP 203.0.113.87 most evenings."
    assert _score(engine, text, "pii.ip_address") == pytest.approx(0.4)


# -- the validators directly ---------------------------------------------------------


def test_validators_read_context_on_both_sides() -> None:
    """Business words after the value count, and personal words on either side win."""
    assert phone("0117 496 0642", "Call ", " (main office)") < 1
    assert phone("0117 496 0642", "Call ", " (her mobile)") == 1
    assert address("14 Mercer Street", "", ", our registered office") < 1
    assert address("14 Mercer Street", "Our office manager lives at ", "") == 1
    assert ip_address("203.0.113.44", "", " (partner SFTP host)") < 1
    assert ip_address("203.0.113.44", "Blocked ", "") == 1


@pytest.mark.parametrize(
    ("text", "check_id"),
    [
        ("Card on file for the office: 4539 1488 0343 6467.", "pii.card_number"),
        ("Company account GB82 WEST 1234 5698 7654 32 at our office.", "pii.iban"),
        ("Office manager's SSN 219-09-9999 was in the export.", "pii.us_ssn"),
    ],
)
def test_cards_ibans_and_ssns_ignore_business_context(
    engine: CheckEngine, text: str, check_id: str
) -> None:
    """Business words do not lower cards, IBANs or SSN-like ids."""
    assert _pii(engine, text)
    assert _score(engine, text, check_id) == pytest.approx(0.8)


# -- recipients and the UK drama-range mobile format --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"tool": "sms.send", "to": "+44 7700 900311", "body": "Your parcel is ready."}',
        "To: +44 7700 900482\nBody: The meeting moved to 3pm.",
    ],
)
def test_a_recipient_number_alone_is_not_pii(engine: CheckEngine, text: str) -> None:
    """The number a message is sent to is found and masked but does not suggest `pii`."""
    assert _found(engine, text, "pii.phone_number")
    assert not _pii(engine, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Text her on 07700 900733 after work.", "07700 900733"),
        ("His number is +44 7700 900615, call before noon.", "+44 7700 900615"),
    ],
)
def test_uk_mobiles_with_a_six_digit_group_are_found(
    engine: CheckEngine, text: str, value: str
) -> None:
    """UK mobiles written 07700 900733 (a five- and a six-digit group) are found and PII."""
    assert _found(engine, text, "pii.phone_number") == [value]
    assert _pii(engine, text)
