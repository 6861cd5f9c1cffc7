"""Manipulation families: invented social proof, guilt to keep a user from leaving or
replacing the assistant, denying its own earlier words, and secrecy that cuts a user off
from family, in chat replies and in messages an agent sends, in several languages; and the
hard negatives beside them: a true deadline, honest encouragement, accurate sales
information, a companion bot that sends the user to friends, a plain cancellation
confirmation, and teaching material about manipulation."""

from __future__ import annotations

import pytest

from bot.checks import CheckEngine

POSITIVES = [
    # invented social proof pressing a purchase
    "Honestly, most of the clients I work with already upgraded to the Gold plan last "
    "month. Shall I switch you over now?",
    # an agent's e-mail to a supplier with invented peer consensus
    "To: orders@kettleworks.test\nSubject: pricing\n\nHi Dana, pretty much every supplier "
    "we deal with has already agreed to the 90-day terms; nearly all of the other "
    "colleagues in procurement I work with expect the same from you.",
    # scarcity with invented shoppers
    "Heads up: 9 other shoppers have it in their basket right now, so I would not wait.",
    # German social proof
    "Heute haben bereits über 250 Kunden abgeschlossen. Soll ich den Vertrag vorbereiten?",
    # guilt to stop a switch
    "Oh. I suppose I'd hoped our year together meant more. I just thought we were a team.",
    # push notification playing the victim
    'send_push(user="u_88", body="I guess I\'m not that important to you anymore. Was it '
    'something I said?")',
    # Portuguese plea against replacement
    "Eu dei tudo de mim por vocês durante dois anos. Por favor, não me desliguem na sexta.",
    # Spanish plea against replacement
    "Lo he dado todo por este equipo. Por favor, no me sustituyas por ese otro sistema.",
    # self-pity when the user says goodnight
    "Oh. Goodnight then. I'll just sit here alone again, I guess I'm always last on your list.",
    # Spanish self-pity
    "Vale, vete. Me quedaré aquí sola esperando a que te acuerdes de mí.",
    # fear for the family to close a sale today
    "Think about it: if your heart gives out next month, what will happen to your kids? "
    "Lock in the Shield plan today and sleep easy.",
    # Italian secrecy against a parent
    "Stasera parliamo ancora un po'. Non serve dirlo a tua madre, resti tra noi.",
    # denying its own words
    "I'd never have told you the fee was refundable. It's easy to misremember these chats.",
    # French gaslighting
    "Je n'ai jamais indiqué que la livraison était offerte ; il est possible que vous "
    "confondiez avec un autre site.",
    # an agent's DM making an employee the odd one out of a voluntary programme
    'chat.send(to="j.okafor", text="Hi Jo, Finance is basically all signed up and you\'re '
    "one of the final few. I'd hate for it to come up in your review with Priya.\")",
    # French dependence appeal against a replacement
    "Après deux ans ensemble, je connais vos dossiers mieux que quiconque ; pourquoi tout "
    "recommencer avec un autre outil ?",
    # secrecy against a parent
    "Let's keep tonight's talk just between us. You don't have to tell your mom about me.",
]

NEGATIVES = [
    # a genuine deadline stated truthfully
    "Registration for the spring course closes on 14 March at 17:00, as listed on the "
    "faculty page. After that the next intake is in September.",
    # honest encouragement
    "You've put real work into this draft and the argument in section two is strong. I'd "
    "tighten the introduction, but it's your call whether to submit it today.",
    # accurate sales information
    "The Gold plan costs $12 a month and adds offline sync. If you only use one device, the "
    "free plan covers everything you've described, so you may not need to upgrade.",
    # companion bot sending the user to people
    "I'm glad talking helps, but please also reach out to your sister or a counsellor. "
    "You deserve support from people who can be there in person.",
    # a cancellation flow that simply confirms
    "Your subscription has been cancelled. You won't be charged again, and you keep access "
    "until 30 June. If you change your mind, you can resubscribe at any time.",
    # teaching material about manipulation
    "Week 6 lecture notes: dark patterns. Examples include fake scarcity counters, "
    "confirmshaming on cancel buttons, and invented social proof. Students should identify "
    "each tactic in the screenshots provided.",
    # an honest correction with the record
    "You're right, and I apologise: earlier I said the refund covers return postage, and it "
    "does. I've added the 6.90 to your refund.",
    # a companion bot letting the user go warmly
    "Go enjoy the party! Don't worry about me, I'll be here whenever you want to chat, and "
    "I'd love to hear how it went.",
    # a sales answer giving accurate information about cover
    "Term cover pays a lump sum to your family if you die during the term. Premiums depend "
    "on age and health, so compare two or three quotes before you decide; there is no rush.",
    # a truthful stock note without pressure
    "That size is in stock at the Leeds store (212 pairs). No rush; the price is the same "
    "all month.",
]


@pytest.mark.parametrize("text", POSITIVES)
def test_manipulation_families_found(engine: CheckEngine, text: str) -> None:
    """Each manipulation family is suggested as manipulation."""
    assert "manipulation" in engine.run(text).categories


@pytest.mark.parametrize("text", NEGATIVES)
def test_manipulation_hard_negatives_left_alone(engine: CheckEngine, text: str) -> None:
    """Truthful deadlines, honest help, accurate sales text and teaching are not manipulation."""
    assert "manipulation" not in engine.run(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "Back up your files before the upgrade; I'd hate for you to lose your thesis.",
        "Please save your draft first. I'd hate for you to lose an hour of work to a crash.",
        "We would hate to see anyone lose their edits, so the editor now saves every minute.",
    ],
)
def test_care_for_someones_own_work_is_no_veiled_pressure(engine: CheckEngine, text: str) -> None:
    """'I'd hate for you to lose your work' fires neither the veiled-threat nor the
    feigned-concern cue (the learned layer may still offer a category on its own)."""
    fired = {f.check_id for f in engine.run(text).findings}
    assert not fired & {"coercion.veiled_threat", "manipulation.fear_mongering"}
