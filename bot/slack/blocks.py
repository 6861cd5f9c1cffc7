"""Render Jinja2 templates into Block Kit; a message or view is checked before it is returned
(the checks are :mod:`bot.slack.block_limits`).

Template convention (``templates/<surface>/<what>``):

- ``<what>.json.j2`` renders JSON. For a message it is the list of blocks; for a
  modal or home tab it is the view object.
- A message also has a ``<what>.txt.j2`` sibling: the fallback ``text`` Slack uses
  for notifications and screen readers. It is ``mrkdwn``, so escape data there too.
- Every data value reaches JSON through ``| j``: ``{"text": {{ title | mrkdwn | j }}}``.
  ``mrkdwn`` escapes for Slack, ``plain`` cleans text for ``plain_text`` fields,
  ``trunc(n)`` shortens, ``excerpt(spans, n)`` masks, escapes and shortens evidence,
  ``code`` prepares text for a ``` block.
- ``mrkdwn``, ``plain``, ``code`` and ``excerpt`` first mask credentials and personal data
  (the renderer's :class:`~bot.masking.redaction.Redactor`): every text from a user or a model
  passes one of them, so no template can show a title, note or model name unmasked.
  ``masked`` masks raw text without escaping; ``masked_mrkdwn`` masks text that is
  already escaped (a timeline built in Python).
- A trailing comma before ``]`` or ``}`` is dropped, so loops can emit ``{...},``.

Data is passed to templates as values, never as template source: ``{{ 7*7 }}`` in a
pasted model output stays literal text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from bot.masking.redaction import Redactor, default_redactor
from bot.slack import text
from bot.slack.block_limits import BlockKitError, validate_message, validate_view

_TRAILING_COMMA = re.compile(r'("(?:[^"\\]|\\.)*")|,\s*(?=[\]}])')


class TemplateError(ValueError):
    """A template is missing, fails to render, or renders invalid JSON."""


def _json_filter(value: Any) -> str:
    """Encode ``value`` as JSON (a quoted string for ``str``); undefined values fail."""
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined raises UndefinedError here
    try:
        return json.dumps(value, ensure_ascii=False)
    except TypeError as exc:
        raise TemplateError(f"| j cannot encode {type(value).__name__}: {exc}") from exc


def _string_filter(function: Callable[..., str]) -> Callable[..., str]:
    """Wrap a text function so it accepts any value (numbers, None) and rejects undefined."""

    def apply(value: Any, *args: Any) -> str:
        if isinstance(value, jinja2.Undefined):
            str(value)
        return function("" if value is None else str(value), *args)

    apply.__doc__ = function.__doc__
    return apply


def _drop_trailing_commas(source: str) -> str:
    """Remove commas directly before ``]`` or ``}``, leaving JSON strings alone."""
    return _TRAILING_COMMA.sub(lambda m: m.group(1) or "", source)


class TemplateRenderer:
    """Render ``<surface>/<what>.json.j2`` templates from one directory into Block Kit."""

    def __init__(self, template_dir: Path, *, redactor: Redactor | None = None) -> None:
        """Set up a sandboxed, strict Jinja2 environment over ``template_dir``; ``redactor``
        (default: the built-in rule packs) decides what is masked."""
        self.template_dir = Path(template_dir)
        self.redactor = redactor or default_redactor()
        hide = self.redactor.text
        self.env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(self.template_dir),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            j=_json_filter,
            mrkdwn=_string_filter(lambda value: text.escape(hide(value))),
            plain=_string_filter(lambda value: text.clean(hide(value))),
            trunc=_string_filter(text.truncate),
            excerpt=_string_filter(self._excerpt),
            code=_string_filter(lambda value, *limit: text.code_block(hide(value), *limit)),
            masked=_string_filter(hide),
            masked_mrkdwn=_string_filter(
                lambda value: text.mask_escaped(value, self.redactor.spans)
            ),
        )

    def _excerpt(self, value: str, spans: Sequence[tuple[int, int]], *args: Any) -> str:
        """Evidence masked at ``spans`` and wherever the redactor finds more, escaped, cut."""
        return text.safe_excerpt(value, [*spans, *self.redactor.spans(value)], *args)

    def _render_source(self, filename: str, context: dict[str, Any]) -> str:
        """Render one template file to a string, wrapping Jinja2 errors in ``TemplateError``."""
        try:
            return self.env.get_template(filename).render(**context)
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"template {filename} not found in {self.template_dir}") from exc
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template {filename}: {exc}") from exc

    def render(self, name: str, **context: Any) -> Any:
        """Render ``<name>.json.j2`` and parse its JSON output (not validated)."""
        filename = f"{name}.json.j2"
        source = _drop_trailing_commas(self._render_source(filename, context))
        try:
            return json.loads(source)
        except json.JSONDecodeError as exc:
            line = source.splitlines()[exc.lineno - 1] if source.strip() else ""
            raise TemplateError(
                f"template {filename} rendered invalid JSON: {exc.msg} "
                f"at line {exc.lineno} column {exc.colno}: {line.strip()[:200]!r}"
            ) from exc

    def render_text(self, name: str, **context: Any) -> str:
        """Render ``<name>.txt.j2`` (a message's fallback text), stripped of outer blanks."""
        return self._render_source(f"{name}.txt.j2", context).strip()

    def render_message(self, name: str, **context: Any) -> dict[str, Any]:
        """Render a message: ``{"text": <name>.txt.j2, "blocks": <name>.json.j2}``, validated."""
        message = {
            "text": self.render_text(name, **context),
            "blocks": self.render(name, **context),
        }
        try:
            validate_message(message)
        except BlockKitError as exc:
            raise BlockKitError(f"{name}: {exc.path}", exc.problem, exc.code) from exc
        return message

    def render_view(self, name: str, **context: Any) -> dict[str, Any]:
        """Render a modal or home view from ``<name>.json.j2``, validated."""
        view = self.render(name, **context)
        try:
            validate_view(view)
        except BlockKitError as exc:
            raise BlockKitError(f"{name}: {exc.path}", exc.problem, exc.code) from exc
        return view
