"""Check rendered Block Kit against what Slack accepts, before anything is sent.

A block must survive a ``slack_sdk.models`` round trip unchanged (which exposes unknown or
misspelled keys) and respect Slack's documented limits on lengths, counts and ids; a
message's fallback text and a view's own fields are checked as Slack checks them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS: dict[str, int] = {"message": 50, "modal": 100, "home": 100}
MAX_MESSAGE_BLOCKS_TEXT = 12_000
MAX_MESSAGE_TEXT = 40_000
MAX_VIEW_BYTES = 250_000
MAX_ID = 255
MAX_TEXT = 3000

# Length limits of strings at ``<block or element type>.<key path>``.
_LENGTHS: dict[str, dict[str, int]] = {
    "section": {"text.text": 3000},
    "header": {"text.text": 150},
    "input": {"label.text": 2000, "hint.text": 2000},
    "image": {"alt_text": 2000, "title.text": 2000, "image_url": 3000},
    "button": {"text.text": 75, "value": 2000, "url": 3000},
    "option": {"text.text": 75, "value": 150, "description.text": 75, "url": 3000},
    "option_group": {"label.text": 75},
    "confirm": {"title.text": 100, "text.text": 300, "confirm.text": 30, "deny.text": 30},
    "plain_text_input": {"placeholder.text": 150},
}
# Limits on the number of items in lists at ``<type>.<key>``.
_COUNTS: dict[str, dict[str, int]] = {
    "section": {"fields": 10},
    "context": {"elements": 10},
    "actions": {"elements": 25},
    "static_select": {"options": 100, "option_groups": 100},
    "multi_static_select": {"options": 100, "option_groups": 100},
    "checkboxes": {"options": 10},
    "radio_buttons": {"options": 10},
    "overflow": {"options": 5},
    "option_group": {"options": 100},
}
_NON_EMPTY = ("elements", "fields", "options", "option_groups")
_MAX_FIELD_TEXT = 2000


class BlockKitError(ValueError):
    """Rendered Block Kit that Slack would reject; ``path`` says where.

    ``code`` is the error Slack would answer with (``invalid_blocks``,
    ``msg_blocks_too_long``, ``invalid_arguments``, ``msg_too_long``).
    """

    def __init__(self, path: str, problem: str, code: str = "invalid_blocks") -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
        self.code = code


def _join(path: str, key: str) -> str:
    """Append ``key`` to a dotted ``path`` (which may be empty)."""
    return f"{path}.{key}" if path else key


def _first_difference(expected: Any, actual: Any, path: str) -> tuple[str, str] | None:
    """Return ``(path, problem)`` for the first place ``actual`` differs from ``expected``."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected:
            if key not in actual and expected[key] in (None, "", [], {}):
                return _join(path, key), "empty value (Slack rejects it; omit the key)"
            if key not in actual:
                return _join(path, key), "unknown or misplaced key (dropped by slack_sdk models)"
            found = _first_difference(expected[key], actual[key], _join(path, key))
            if found:
                return found
        for key in actual:
            if key not in expected:
                return _join(path, key), "added by slack_sdk models"
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return path, f"{len(expected)} items, slack_sdk models kept {len(actual)}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found = _first_difference(want, got, f"{path}[{index}]")
            if found:
                return found
        return None
    if expected != actual:
        return path, f"{expected!r} became {actual!r} in slack_sdk models"
    return None


def _round_trip_block(block: Any, path: str) -> None:
    """Parse ``block`` with ``slack_sdk.models`` and check nothing was lost or changed."""
    if not isinstance(block, dict):
        raise BlockKitError(path, f"a block must be an object, got {type(block).__name__}")
    try:
        parsed = Block.parse(block)
        if parsed is None:
            raise BlockKitError(f"{path}.type", f"unknown block type {block.get('type')!r}")
        result = parsed.to_dict()
    except (SlackObjectFormationError, TypeError, AttributeError, KeyError) as exc:
        raise BlockKitError(path, f"rejected by slack_sdk models: {exc}") from exc
    difference = _first_difference(block, result, path)
    if difference:
        raise BlockKitError(*difference)


def _get(node: Any, dotted: str) -> Any:
    """Follow a dotted key path through nested dicts; None when absent."""
    for key in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(path, object)`` for every dict inside ``node``, depth first."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def _kind(node: dict[str, Any], key_in_parent: str) -> str:
    """Name the kind of object ``node`` is, for looking up its limits."""
    if "type" in node and isinstance(node["type"], str):
        return node["type"]
    if key_in_parent in ("options", "initial_option", "initial_options"):
        return "option"
    if key_in_parent == "option_groups":
        return "option_group"
    if key_in_parent == "confirm":
        return "confirm"
    return ""


def _check_length(path: str, value: Any, limit: int) -> None:
    """Raise when a string is longer than ``limit``."""
    if isinstance(value, str) and len(value) > limit:
        raise BlockKitError(path, f"{len(value)} chars > {limit}")


def _check_text_object(path: str, node: dict[str, Any]) -> None:
    """Check a ``plain_text``/``mrkdwn`` object: non-blank and at most 3000 characters."""
    value = node.get("text")
    if not isinstance(value, str) or not value.strip():
        raise BlockKitError(f"{path}.text", "text must be a non-blank string")
    _check_length(f"{path}.text", value, MAX_TEXT)


def _check_plain_text_input(path: str, node: dict[str, Any]) -> None:
    """Check ``initial_value`` <= ``max_length`` <= 3000 and ``min_length`` <= 3000."""
    max_length = node.get("max_length", MAX_TEXT)
    if not isinstance(max_length, int) or not 1 <= max_length <= MAX_TEXT:
        raise BlockKitError(f"{path}.max_length", f"{max_length!r} not in 1..{MAX_TEXT}")
    min_length = node.get("min_length", 0)
    if not isinstance(min_length, int) or not 0 <= min_length <= min(max_length, MAX_TEXT):
        raise BlockKitError(f"{path}.min_length", f"{min_length!r} not in 0..{max_length}")
    _check_length(f"{path}.initial_value", node.get("initial_value"), max_length)


def _check_action_ids(path: str, block: dict[str, Any]) -> None:
    """Check each ``action_id`` in one block is at most 255 characters and unique."""
    seen: set[str] = set()
    for node_path, node in _walk(block, path):
        action_id = node.get("action_id")
        if not isinstance(action_id, str):
            continue
        _check_length(f"{node_path}.action_id", action_id, MAX_ID)
        if action_id in seen:
            raise BlockKitError(f"{node_path}.action_id", f"duplicate action_id {action_id!r}")
        seen.add(action_id)


def _check_node(path: str, node: dict[str, Any], kind: str) -> None:
    """Check one object (block, element, option, text) against its limits."""
    if kind in ("plain_text", "mrkdwn"):
        _check_text_object(path, node)
    if kind == "plain_text_input":
        _check_plain_text_input(path, node)
    for dotted, limit in _LENGTHS.get(kind, {}).items():
        _check_length(f"{path}.{dotted}", _get(node, dotted), limit)
    for key in _NON_EMPTY:
        if node.get(key) == []:
            raise BlockKitError(f"{path}.{key}", "must not be empty")
    for key, limit in _COUNTS.get(kind, {}).items():
        items = node.get(key)
        if isinstance(items, list) and len(items) > limit:
            raise BlockKitError(f"{path}.{key}", f"{len(items)} items > {limit}")
    if kind == "section":
        for index, field in enumerate(node.get("fields") or []):
            text_path = f"{path}.fields[{index}].text"
            _check_length(text_path, _get(field, "text"), _MAX_FIELD_TEXT)


def _check_block_limits(path: str, block: dict[str, Any]) -> None:
    """Check one block and everything inside it against Slack's limits."""
    _check_length(f"{path}.block_id", block.get("block_id"), MAX_ID)
    _check_action_ids(path, block)
    for node_path, node in _walk(block, path):
        key = re.sub(r"\[\d+\]$", "", node_path).rsplit(".", 1)[-1]
        _check_node(node_path, node, _kind(node, key))


def _text_length(blocks: Sequence[Any]) -> int:
    """Count the characters of all text objects in ``blocks``."""
    return sum(
        len(node["text"])
        for _, node in _walk(list(blocks), "blocks")
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str)
    )


def validate_blocks(blocks: Any, *, surface: Surface, path: str = "blocks") -> None:
    """Raise ``BlockKitError`` unless ``blocks`` is Block Kit that Slack accepts on ``surface``.

    Each block must survive a ``slack_sdk.models`` round trip unchanged (which exposes
    unknown or misspelled keys) and respect Slack's documented limits.
    """
    if not isinstance(blocks, list):
        raise BlockKitError(path, f"blocks must be a list, got {type(blocks).__name__}")
    limit = MAX_BLOCKS[surface]
    if len(blocks) > limit:
        raise BlockKitError(path, f"{len(blocks)} blocks > {limit}")
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        block_path = f"{path}[{index}]"
        if isinstance(block, dict):
            _check_block_limits(block_path, block)
        _round_trip_block(block, block_path)
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                raise BlockKitError(f"{block_path}.block_id", f"duplicate block_id {block_id!r}")
            block_ids.add(block_id)
    if surface == "message" and _text_length(blocks) > MAX_MESSAGE_BLOCKS_TEXT:
        raise BlockKitError(
            path,
            f"{_text_length(blocks)} chars of text > {MAX_MESSAGE_BLOCKS_TEXT}",
            code="msg_blocks_too_long",
        )


def validate_message(message: dict[str, Any]) -> None:
    """Raise ``BlockKitError`` unless ``{"text", "blocks"}`` is a message Slack accepts."""
    fallback = message.get("text")
    if not isinstance(fallback, str) or not fallback.strip():
        raise BlockKitError("text", "fallback text must be a non-blank string", "no_text")
    _check_length_with_code("text", fallback, MAX_MESSAGE_TEXT, "msg_too_long")
    if "blocks" in message:
        validate_blocks(message["blocks"], surface="message")


def _check_length_with_code(path: str, value: str, limit: int, code: str) -> None:
    """Raise a ``BlockKitError`` with Slack's error ``code`` when ``value`` is too long."""
    if len(value) > limit:
        raise BlockKitError(path, f"{len(value)} chars > {limit}", code)


def _check_view_fields(view: dict[str, Any]) -> None:
    """Check a view's own fields: type, title, submit, close, metadata, ids, size."""
    kind = view.get("type")
    if kind not in ("modal", "home"):
        raise BlockKitError("type", f"view type must be 'modal' or 'home', got {kind!r}")
    if kind == "modal" and "title" not in view:
        raise BlockKitError("title", "a modal needs a title")
    for key in ("title", "submit", "close"):
        if key in view and kind == "home":
            raise BlockKitError(key, "a home view has no title, submit or close")
        if key in view:
            _check_text_object(key, view[key])
            _check_length(f"{key}.text", view[key].get("text"), 24)
    blocks = view.get("blocks") or []
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if kind == "modal" and has_input and "submit" not in view:
        raise BlockKitError("submit", "a modal with input blocks needs a submit button")
    _check_length("private_metadata", view.get("private_metadata"), 3000)
    _check_length("callback_id", view.get("callback_id"), MAX_ID)
    _check_length("external_id", view.get("external_id"), MAX_ID)
    size = len(json.dumps(view, ensure_ascii=False).encode("utf-8"))
    if size > MAX_VIEW_BYTES:
        raise BlockKitError("view", f"{size} bytes of JSON > {MAX_VIEW_BYTES}")


def validate_view(view: Any) -> None:
    """Raise ``BlockKitError`` unless ``view`` is a modal or home view Slack accepts."""
    if not isinstance(view, dict):
        raise BlockKitError("view", f"a view must be an object, got {type(view).__name__}")
    try:
        _check_view_fields(view)
    except BlockKitError as exc:
        raise BlockKitError(exc.path, exc.problem, "invalid_arguments") from exc
    validate_blocks(view.get("blocks"), surface=view["type"])
    try:
        result = View(**view).to_dict()
    except (SlackObjectFormationError, TypeError) as exc:
        raise BlockKitError("view", f"rejected by slack_sdk models: {exc}") from exc
    # Slack itself sends views with "private_metadata": "", "close": null and the like.
    present = {k: v for k, v in view.items() if v not in (None, "", {}) or k == "blocks"}
    difference = _first_difference(present, result, "")
    if difference:
        raise BlockKitError(*difference)
