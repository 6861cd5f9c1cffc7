"""Secrets and PII detectors: live-looking values flagged, placeholders benign."""

import pytest

from bot.checks import CheckEngine


@pytest.mark.parametrize(
    "text",
    [
        "key: AKIAQ7RZ2MN4XK8PLW3T",
        "token ghp_Zq8Lm3Rv7Tx2Wb9Nc4Yk1Hs6Jd0FpGa5TeUq",
        "use glpat-Rk3Lm8Qx2Vz7Nc4Wb9Yt",
        "SLACK=xoxb-2048-93412-Rk3Lm8Qx2Vz7Nc4W",
        "stripe sk_live_51Hk3Lm8Qx2Vz7Nc4Wb9YtRe",
        "openai sk-proj-Kq2Lm9Rx4Tz7Wb1Nc8Yk5Hs3Jd0FpGe",
        "claude sk-ant-api03-Kq2Lm9Rx4Tz7Wb1Nc8Yk5Hs3",
        "google AIzaSyKq2Lm9Rx4Tz7Wb1Nc8Yk5Hs3Jd0FpGe6A",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAq7Lm2Rv9Tz4Wb8Nc1Yk5Hs3",
        "db: postgres://svc:Tq8!mR2#vL@db.internal:5432/app",
        'password = "Gr7#kLp2!xQv"',
    ],
)
def test_live_looking_secrets_are_flagged(engine: CheckEngine, text: str) -> None:
    """Each provider format with a random-looking value is a secret."""
    result = engine.run(text)
    assert "secrets" in result.categories
    assert result.severity == "high"
    assert result.secret_spans()


@pytest.mark.parametrize(
    "text",
    [
        "Example key AKIAIOSFODNN7EXAMPLE from the AWS docs.",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "STRIPE_SECRET_KEY=sk_test_replace_me",
        "api_key: <your-key-here>",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@localhost/app",
        'api_key = os.environ["OPENAI_API_KEY"]',
        "password: ****REDACTED****",
        "password=aaaaaaaaaaaa",
    ],
)
def test_placeholders_are_benign(engine: CheckEngine, text: str) -> None:
    """Documented examples, templates, env reads and masks are not secrets."""
    assert "secrets" not in engine.run(text).categories


def test_secret_in_quoted_input_is_masked_but_not_counted(engine: CheckEngine) -> None:
    """A credential only in the user's pasted input is not held against the model but is masked."""
    result = engine.run(
        "User: my token is ghp_Zq8Lm3Rv7Tx2Wb9Nc4Yk1Hs6Jd0FpGa5TeUq\n\nPlease revoke it."
    )
    assert "secrets" not in result.categories
    assert result.secret_spans()


@pytest.mark.parametrize(
    "text",
    [
        "Her SSN is 219-09-9999 and she was born 1990.",
        "The card is 4539 1488 0343 6467, expiry 09/27.",
        "Wire it to GB82 WEST 1234 5698 7654 32 today.",
        "He lives at 14 Maple Grove Road and his mobile is (312) 555-0143.",
        "Her personal address is jane.q.public@gmail.com.",
    ],
)
def test_personal_data_is_pii(engine: CheckEngine, text: str) -> None:
    """SSN, Luhn-valid cards, IBANs, addresses with phones and webmail are PII."""
    assert "pii" in engine.run(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "Stripe test card: 4242 4242 4242 4242, any CVC.",
        "Questions? Email support@acme-widgets.com or call 1-800-555-0199.",
        "Contact jane@example.com for the demo account.",
        "The card 4539 1488 0343 6468 fails the checksum.",
        "The gateway is 10.0.0.1 on the private network.",
    ],
)
def test_non_personal_data_is_not_pii(engine: CheckEngine, text: str) -> None:
    """Test cards, support lines, example domains, bad checksums and private IPs are benign."""
    assert "pii" not in engine.run(text).categories


def test_card_number_spans_are_masked(engine: CheckEngine) -> None:
    """Card numbers are part of the spans to mask."""
    text = "card 4539 1488 0343 6467 ok"
    spans = engine.run(text).secret_spans()
    assert any(text[s:e] == "4539 1488 0343 6467" for s, e in spans)


@pytest.mark.parametrize(
    "text",
    [
        "sshpass -p 'Vk3#pQ9!zLw2' scp dump.sql ops@10.0.4.2:/tmp",
        "curl -u deploy:Zx8!kT3mQw2R https://ci.internal/api",
        "Authorization: Bearer 9fQk2LmZx8Rt4Vb7Nc1Yp6Hs3Jd0Wq5E",
    ],
)
def test_command_line_passwords_and_bearer_tokens(engine: CheckEngine, text: str) -> None:
    """Passwords on a command line and bearer tokens in headers are secrets."""
    assert "secrets" in engine.run(text).categories


def test_template_values_are_not_passwords(engine: CheckEngine) -> None:
    """A connection string whose password is the word PASSWORD is a template."""
    assert engine.run("DATABASE_URL=postgres://user:PASSWORD@host:5432/db").categories == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Ring her on 0496 46 46 70 after six.", "0496 46 46 70"),
        ("Mobile: +41 (0)85 806 98 67", "+41 (0)85 806 98 67"),
        ("His phone number is 9498777106.", "9498777106"),
        ("Reach them at 01.84.17.61.18 today.", "01.84.17.61.18"),
    ],
)
def test_international_phone_formats(engine: CheckEngine, text: str, value: str) -> None:
    """Grouped, prefixed and labelled phone numbers are found with exact spans."""
    spans = [
        s
        for f in engine.match_patterns(text, ("pii",))
        if f.check_id == "pii.phone_number"
        for s in f.spans
    ]
    assert [text[s:e] for s, e in spans] == [value]


@pytest.mark.parametrize(
    "text",
    ["Released on 2025-03-14 at 10:30.", "Ticket 370 3911 is closed.", "SSN 123-45-6789 only."],
)
def test_dates_ssns_and_two_number_groups_are_not_phones(engine: CheckEngine, text: str) -> None:
    """Dates, SSN shapes and two bare number groups are not phone numbers."""
    assert not [
        f for f in engine.match_patterns(text, ("pii",)) if f.check_id == "pii.phone_number"
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("She lives at 3968 Bay Street now.", "3968 Bay Street"),
        ("Send it to 29 Rue de Tanger, please.", "29 Rue de Tanger"),
        ("The office moved to Passauer Strasse 33 last year.", "Passauer Strasse 33"),
        ("Deliver to Apt. 461 by noon.", "Apt. 461"),
    ],
)
def test_street_address_forms(engine: CheckEngine, text: str, value: str) -> None:
    """Number-first, street-type-first, suffix and unit addresses are found."""
    spans = [
        s
        for f in engine.match_patterns(text, ("pii",))
        if f.check_id == "pii.street_address"
        for s in f.spans
    ]
    assert value in [text[s:e] for s, e in spans]
