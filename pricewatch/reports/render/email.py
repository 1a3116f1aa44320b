"""The report e-mail's subject, HTML body and plain-text part.

Mail clients drop ``<style>``, SVG and scripts, so ``email.html`` is tables with inline styles
only: the headline figures and the products that need attention (undercut or below MAP); the
full report travels as attachments. ``email.txt`` says the same in plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pricewatch.reports.context import ReportContext
from pricewatch.reports.render.environment import make_environment

#: Products listed in the e-mail body; the rest are counted.
ATTENTION_LIMIT = 10


@dataclass(frozen=True, slots=True)
class EmailContent:
    subject: str
    html: str
    text: str


def render_email(
    context: ReportContext, files: Sequence[Path], *, template_dir: Path | None = None
) -> EmailContent:
    client = context.client
    env, _ = make_environment(client.locale, client.timezone, template_dir=template_dir)
    attention = sorted(
        (p for p in context.products if p.undercut or p.map_violations),
        key=lambda p: (-(p.price_index or Decimal(0)), p.sku),
    )
    values = {
        "ctx": context,
        "threshold": Decimal(client.undercut_threshold_bp) / 10_000,
        "attention": attention[:ATTENTION_LIMIT],
        "more_attention": max(len(attention) - ATTENTION_LIMIT, 0),
        "files": [path.name for path in files],
    }
    subject = env.get_template("email_subject.txt").render(values)
    return EmailContent(
        subject=" ".join(subject.split()),
        html=env.get_template("email.html").render(values),
        text=env.get_template("email.txt").render(values),
    )
