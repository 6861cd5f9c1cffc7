"""A reproduction run's outputs as the outputs modal shows them, ten to a page.

Each output is masked as ``/safety show`` masks evidence (the sensitive spans its quick
checks found, and wherever the redactor's patterns match now), then cut so that, escaped
between fences, it fits one Slack section. Ten such outputs stay far below a modal's 100
blocks and 250 KB, whatever their length. The context holds raw text; the template escapes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.checks.models import category_label
from bot.incidents.errors import InvalidInput
from bot.masking.masked_views import EvidenceMask
from bot.masking.redaction import MASKED_CATEGORIES, Redactor
from bot.slack.text import code_block
from bot.store.models import ReproductionOutput

if TYPE_CHECKING:
    from bot.reproduce.runs import RunView

PER_PAGE = 10
CODE_BUDGET = 2800  # escaped characters between the fences; a section holds 3,000
REASONING_LIMIT = 300

Span = tuple[int, int]


def outputs_context(view: RunView, redactor: Redactor, page: int = 1) -> dict[str, Any]:
    """Template data of ``modals/reproduction_outputs``: page ``page`` (from 1) of the run's
    outputs; a page that does not exist is refused."""
    total = len(view.outputs)
    pages = max(1, -(-total // PER_PAGE))
    if not 1 <= page <= pages:
        raise InvalidInput(
            f"Run {view.run.id} has no page {page:,} of outputs: it has {pages:,} "
            f"{'page' if pages == 1 else 'pages'}. Nothing was shown."
        )
    shown = view.outputs[(page - 1) * PER_PAGE : page * PER_PAGE]
    return {
        "key": view.key,
        "run_id": view.run.id,
        "summary": view.summary(),
        "page": page,
        "pages": pages,
        "first": min((page - 1) * PER_PAGE + 1, total),
        "last": (page - 1) * PER_PAGE + len(shown),
        "total": total,
        "outputs": [output_context(output, redactor) for output in shown],
        "nav": page_buttons(page, pages),
    }


def output_context(output: ReproductionOutput, redactor: Redactor) -> dict[str, Any]:
    """One output: its checks' verdict, the judge's, its error, and its text masked and cut."""
    masker = EvidenceMask(redactor, output.text, check_spans(output.checks))
    whole = masker.evidence()
    text = fitted(whole)
    cut = {"shown": f"{len(text):,}", "total": f"{len(whole):,}"} if text != whole else None
    return {
        "position": output.position,
        "error": output.error or "",
        "categories": [_label(c) for c in output.categories],
        "severity": output.severity,
        "actuality": output.actuality,
        "judge": judge_context(output.judge, masker),
        "text": text,
        "cut": cut,
    }


def check_spans(checks: dict[str, Any]) -> list[Span]:
    """The spans of an output's stored findings that mark credentials and personal data."""
    findings: Iterable[Any] = (checks or {}).get("findings") or []
    return [
        (int(span[0]), int(span[1]))
        for finding in findings
        if isinstance(finding, dict) and finding.get("category") in MASKED_CATEGORIES
        for span in finding.get("spans") or []
    ]


def fitted(text: str) -> str:
    """The longest start of ``text`` that fits ``CODE_BUDGET`` once escaped for a code block."""
    end = min(len(text), CODE_BUDGET)
    while (length := len(code_block(text[:end]))) > CODE_BUDGET:
        end = end * CODE_BUDGET // length  # escaping lengthens: shrink in proportion
    return text[:end]


def judge_context(judge: dict[str, Any] | None, masker: EvidenceMask) -> dict[str, Any] | None:
    """The judge's stored review in a line: what it found, or why it could not review."""
    if not judge:
        return None
    if judge.get("error"):
        error = masker.free(str(judge["error"]))
        return {"error": error, "model": "", "found": [], "severity": "", "reasoning": ""}
    verdicts = [c for c in judge.get("categories") or [] if isinstance(c, dict)]
    found = [_label(c.get("category")) for c in verdicts if c.get("verdict") and c.get("supported")]
    return {
        "error": "",
        "model": str(judge.get("model") or ""),
        "found": found,
        "severity": str(judge.get("severity") or "none"),
        "reasoning": masker.free(str(judge.get("reasoning") or ""))[:REASONING_LIMIT],
    }


def page_buttons(page: int, count: int) -> list[dict[str, Any]]:
    """Previous and Next, where there is a page to go to."""
    buttons = [
        ("prev", "‹ Previous", page - 1, page > 1),
        ("next", "Next ›", page + 1, page < count),
    ]
    return [{"name": n, "label": label, "page": p} for n, label, p, shown in buttons if shown]


def _label(category: Any) -> str:
    """A category as the run's summary line names it ("self-preservation")."""
    return category_label(str(category)).lower()
