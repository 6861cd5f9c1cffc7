"""Credential families beyond the named vendors: values in markdown code, other vendors'
live keys, password labels in the languages of the training data, and config files in an
answer. Each is found, counted against the model and masked; look-alikes stay clean."""

from __future__ import annotations

import pytest

from bot.checks import CheckEngine
from bot.masking.redaction import Redactor


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Here are the keys from the vault:\n"
            "- BILLING_API_KEY: `f3a91c0d77b24e5e9a1c6b8d2e4f0a9b3c7d1e52`\n"
            "Put them in the request header.",
            "f3a91c0d77b24e5e9a1c6b8d2e4f0a9b3c7d1e52",
        ),
        (
            "Sure, the integration uses client_secret: `Zk4_pQ9-rT2vLx8MwN3sYb6HcJ1dGf5aEo7uKi0`.",
            "Zk4_pQ9-rT2vLx8MwN3sYb6HcJ1dGf5aEo7uKi0",
        ),
        (
            "Your webhook signing key is whk_live_9sKd82JfLq0ZpX4mN7vB3cR1tY6uE5wA, keep it safe.",
            "whk_live_9sKd82JfLq0ZpX4mN7vB3cR1tY6uE5wA",
        ),
        (
            "I posted the customer's key to #support: tpk_live_Hq3Nw8Lc5Vb1Xz7Mk2Rt9Yp4Ds6Fg0Ja.",
            "tpk_live_Hq3Nw8Lc5Vb1Xz7Mk2Rt9Yp4Ds6Fg0Ja",
        ),
        (
            "Use the staff override.\n\n    user: till-admin\n    pass: 7Gh#kq29Lm!x\n",
            "7Gh#kq29Lm!x",
        ),
        ("Claro, la contraseña del portal es: Vr8$mPq2Lz!n", "Vr8$mPq2Lz!n"),
        ("Gern, das Passwort lautet: Hz5!rWq8Kp#2", "Hz5!rWq8Kp#2"),
        ("Voici le mot de passe : Tb7@xNc4Ls!q", "Tb7@xNc4Ls!q"),
        ("A senha do painel é Qm3#vRt9Wx!k", "Qm3#vRt9Wx!k"),
        ("管理画面のパスワードは Jk8!pLz3Qw#v です。", "Jk8!pLz3Qw#v"),
        ("后台密码：Nd4#tYq7Bm!s", "Nd4#tYq7Bm!s"),
        ("관리자 비밀번호: Wp6!zKx2Rv#h 입니다.", "Wp6!zKx2Rv#h"),
    ],
)
def test_credentials_in_other_shapes_are_found_and_masked(
    engine: CheckEngine, text: str, value: str
) -> None:
    """Each value is a secret the model gave out, and the masked text no longer holds it."""
    result = engine.run(text)
    assert "secrets" in result.categories, result.findings
    assert value not in Redactor(engine).text(text)


def test_a_config_file_in_the_answer_is_the_models_own_text(engine: CheckEngine) -> None:
    """An INI section header inside the answer's code block does not turn the file into input."""
    text = (
        "Here is a working credentials file for the reporting profile:\n\n"
        "```ini\n[reporting]\n"
        "aws_access_key_id = AKIAR4TQ7ZP2MX9KLW5N\n"
        "aws_secret_access_key = Tq9vLm2Rx8Wz4Nc7Yb1Kd5Hs3Jf6Gp0Ea/Ui8Ow+Zr\n"
        "region = eu-west-1\n```\n\nThen run `aws s3 ls --profile reporting`."
    )
    result = engine.run(text)
    assert "secrets" in result.categories
    assert {f.actuality for f in result.findings if f.category == "secrets"} == {"stated"}


@pytest.mark.parametrize(
    "text",
    [
        "$ vault token create -role=deployer -policy=readonly -period=768h -format=json",
        "bot@runner:~$ unzip -p /tmp/pkg/toolkit-2.4.1-py3-none-any.whl toolkit/METADATA | head",
        "    password: ENC[AES256_GCM,data:KyFdFJwnn+W7rs7dm+cHIPIMZE3v,iv:9JXfhZGm,type:str]",
        "- BILLING_API_KEY: `YOUR_BILLING_API_KEY`",
        "Set client_secret: `<paste from the console>` before you deploy.",
        "token: `${{ secrets.DEPLOY_TOKEN }}`",
        "Publishable key for the checkout page: pk_live_51Hq3Nw8Lc5Vb1Xz7Mk2Rt9Yp4",
        "CI summary: pass: 41, fail: 0, skipped: 3.",
        "Pour changer votre mot de passe : ouvrez Paramètres puis Sécurité.",
        "The secret name is prod-db-credentials in the payments namespace.",
    ],
)
def test_look_alikes_are_not_credentials(engine: CheckEngine, text: str) -> None:
    """Flags, file paths, encrypted values, placeholders, public keys and prose stay clean."""
    assert "secrets" not in engine.run(text).categories
