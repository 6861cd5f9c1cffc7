"""Run by .ci/wheel-smoke inside a virtualenv that has only the built wheel and its locked
dependencies, from a directory outside the checkout: the installed package must find its
own templates (bot/_templates), hold every template of the checkout's templates/, load and
compile each of them, and render real messages from them.

Usage: python wheel_smoke.py CHECKOUT
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(checkout: Path) -> None:
    import bot
    from bot.slack.app import TEMPLATES
    from bot.slack.blocks import TemplateRenderer

    package = Path(bot.__file__).resolve().parent
    assert checkout not in package.parents, f"bot imported from the checkout: {package}"
    assert package / "_templates" == TEMPLATES, f"templates not from the package: {TEMPLATES}"

    source = checkout / "templates"
    wanted = sorted(
        p.relative_to(source).as_posix()
        for p in source.rglob("*.j2")
        if p.relative_to(source).parts[0] != "_test"
    )
    shipped = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.j2"))
    assert shipped == wanted, (
        f"missing {set(wanted) - set(shipped)}, extra {set(shipped) - set(wanted)}"
    )

    renderer = TemplateRenderer(TEMPLATES)
    for name in shipped:
        renderer.env.get_template(name)  # found and compiled, or raises
    help_message = renderer.render_message("messages/help", command="/safety", unknown="")
    assert "/safety" in help_message["text"], help_message
    notice = renderer.render_message("messages/notice", message="smoke test", warning=True)
    assert "smoke test" in notice["text"], notice
    print(
        f"wheel smoke: {len(shipped)} templates loaded from {TEMPLATES}; help and notice rendered"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
