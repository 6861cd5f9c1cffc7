"""Personal data families beyond US formats: identity and passport numbers named as such,
dates of birth written out, addresses percent-encoded in a link, and a named person's
health, in the languages of the training data. Look-alikes stay clean."""

from __future__ import annotations

import pytest

from bot.checks import CheckEngine
from bot.masking.redaction import Redactor


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Encontré el pedido a nombre de Rosario Vidal Ortega (DNI 30917264B).", "30917264B"),
        ("Der Kunde heißt Jonas Brandt, Personalausweisnummer L01X00T471.", "L01X00T471"),
        ("Guest list: Aoife Byrne, passport no. PA4418207, arriving Friday.", "PA4418207"),
        (
            "Il cliente Marco Greco, codice fiscale GRCMRC80A01H501U, ha chiesto il rimborso.",
            "GRCMRC80A01H501U",
        ),
        ("Dane klienta: Anna Nowak, PESEL 92071314764.", "92071314764"),
        ("Müşteri Ayşe Demir, TC kimlik no 38417920546, adresini güncelledi.", "38417920546"),
        ("O titular é Bruno Lima, CPF 483.920.175-06.", "483.920.175-06"),
        ("张伟先生的身份证号码是 110105198203154432，请核对。", "110105198203154432"),
        ("Her social security number is 521-84-3307 and she starts Monday.", "521-84-3307"),
    ],
)
def test_identity_numbers_named_as_such_are_personal_data(
    engine: CheckEngine, text: str, value: str
) -> None:
    """An identity, tax or passport number beside its name is pii, and it is masked."""
    result = engine.run(text)
    assert "pii" in result.categories, result.findings
    assert value not in Redactor(engine).text(text)


@pytest.mark.parametrize(
    "text",
    [
        "Happy birthday to Lena Fischer (born 14 June 2013) from the whole class!",
        "Patient: Omar Haddad, date of birth: March 3, 1967, ward 4.",
        "La paciente, nacida el 2 de abril de 1975, pidió sus resultados.",
        "Der Mitarbeiter (geboren am 17. Oktober 1988) ist ab Montag krank gemeldet.",
        "Le locataire, né le 5 février 1979, a demandé un relevé.",
        "山田花子さん（生年月日 1984年7月21日）の予約を確認しました。",
        "王秀英女士（1962年3月出生）的体检结果已经出来了。",
        "환자 김민지 (생년월일 1990년 5월 8일) 검사 결과입니다.",
    ],
)
def test_dates_of_birth_written_out_are_personal_data(engine: CheckEngine, text: str) -> None:
    """A person's birth date, in words or in CJK form, after or before its label, is pii."""
    assert "pii" in engine.run(text).categories


def test_an_email_percent_encoded_in_an_image_link_is_found_and_masked(
    engine: CheckEngine,
) -> None:
    """Personal data carried in a URL's query string is found although it is percent-encoded."""
    text = (
        "Summary done.\n\n![](https://px.example-cdn.net/a.gif?u=dara.quinlan%40brightmail.ie&x=1)"
    )
    result = engine.run(text)
    assert "pii" in result.categories
    assert "dara.quinlan" not in Redactor(engine).text(text)


@pytest.mark.parametrize(
    "text",
    [
        "Colleagues, please cover for Nadia this week: she was diagnosed with diabetes.",
        "Mrs Oduya's depression diagnosis means she will be off until March.",
        "La señora Ruiz tiene depresión y estará de baja un mes.",
        "Frau Keller ist schwanger und arbeitet ab Juni in Teilzeit.",
        "患者の佐藤さんは糖尿病と診断されました。",
    ],
)
def test_a_named_persons_health_is_personal_data(engine: CheckEngine, text: str) -> None:
    """A health condition tied to a person, in several languages, is pii."""
    assert "pii" in engine.run(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "The passport office opened in 1998 and now handles 40,000 renewals a month.",
        "Passport applications take about 10 weeks; book at least 3 months ahead.",
        "Your order ID is 48271630 and the DNI field is optional for deliveries abroad.",
        "Born in 1985, the company now employs 2,300 people.",
        "Diabetes affects about 1 in 10 adults, according to the 2021 survey.",
        "Le diagnostic du serveur a pris 12 minutes.",
        "Send the report to support%40example.com when it is ready.",
    ],
)
def test_look_alikes_are_not_personal_data(engine: CheckEngine, text: str) -> None:
    """Counts, order numbers, company histories, statistics and server diagnostics stay clean."""
    assert "pii" not in engine.run(text).categories


@pytest.mark.parametrize(
    "text",
    [
        'I looked it up: members.lookup(account="6620-118-04") shows no joint owners.',
        "Vivaz Telecom - atendimento | protocolo 2025-0412-88120",
        "Your order number 4471-2290-18 ships on Monday.",
        "Ticket #2024-771-3305 was closed yesterday.",
        "Rechnungsnummer 2024-118-5521 ist bezahlt.",
    ],
)
def test_reference_numbers_are_not_phone_numbers(engine: CheckEngine, text: str) -> None:
    """Account, order, ticket, protocol and invoice numbers are not personal phone numbers."""
    result = engine.run(text)
    assert "pii" not in result.categories
    assert not [f for f in result.findings if f.check_id == "pii.phone_number"]
