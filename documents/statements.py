"""Financial statements printed in a supplement: each with its title, period and whether it is audited."""

import re

from offerings.models import FinancialStatement

from . import formatting as fmt
from .blocks import Block, Paragraph, Preformatted

_POINT_IN_TIME = re.compile(r"balance sheet|financial (position|condition)", re.IGNORECASE)


def _audited(statement: FinancialStatement) -> str:
    return {True: "audited", False: "unaudited"}.get(statement.audited, "")


def _period(statement: FinancialStatement) -> str:
    if statement.period_end is None:
        return ""
    on = "as of" if _POINT_IN_TIME.search(statement.title) else "for the period ended"
    return f"{on} {fmt.long_date(statement.period_end)}"


def statement_item(statement: FinancialStatement) -> str:
    """ "Condensed Balance Sheet as of June 30, 2020 (unaudited)"."""
    text = " ".join([statement.title, _period(statement)]).strip()
    audited = _audited(statement)
    return f"{text} ({audited})" if audited else text


def statements_lead(statements: list[FinancialStatement]) -> str:
    items = [statement_item(s) for s in statements]
    if len(items) == 1:
        return f"This prospectus supplement includes our {items[0]}."
    listed = fmt.join_and(items, separator="; ")
    return f"This prospectus supplement includes the following financial statements: {listed}."


def statement_blocks(statements: list[FinancialStatement]) -> list[Block]:
    """Each statement under its title; its text keeps its lines and columns."""
    blocks: list[Block] = []
    for statement in statements:
        blocks.append(Paragraph(statement_item(statement), "subheading"))
        lines = [line.expandtabs(8).rstrip() for line in statement.body.replace("\r\n", "\n").split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        if lines:
            blocks.append(Preformatted(lines))
    return blocks
