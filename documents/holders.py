"""The selling holder table of a supplement (Regulation S-K Item 507), as the records state it.

A supplement's own ``HolderTable`` restates the prospectus's table or amends it row by row (holders added,
amended, removed), with the date ownership is stated as of, the shares (and note principal) outstanding that
percentages use, footnotes, and notes columns where holders hold notes. A selling-stockholder update recorded
without a table (the ``/1`` form) lists the registration's selling stockholders. ``*`` marks under 1%; totals
are printed only for a complete table of two or more holders; a table with no row is not printed.
"""

from decimal import Decimal

from offerings.models import HolderRow, HolderTable, HolderTableMode, RowChange, SecurityKind, SellingStockholder

from . import formatting as fmt
from .blocks import Block, Cell, Paragraph, Table
from .phrases import Nouns, short_title
from .references import HolderWords

LESS_THAN_ONE = "* Less than 1%."


def _n(value: int | None) -> str:
    return "-" if value is None else fmt.count(value)


def _money(value: Decimal | None) -> str:
    return "-" if value is None else fmt.table_money(value)


def _total(values: list) -> str:
    if any(v is None for v in values):
        return "-"
    return fmt.count(sum(values))


def _total_money(values: list) -> str:
    known = [v for v in values if v is not None]
    return fmt.table_money(sum(known)) if known and len(known) == len(values) else "-"


def _header(words: HolderWords, *, beneficially: bool, notes: bool) -> list[Cell]:
    owned = "Shares beneficially owned" if beneficially else "Shares owned"
    names = [
        (f"Name of {words.singular}", "th-name"),
        (f"{owned} before the offering", "th-num"),
        ("Shares offered", "th-num"),
        (f"{owned} after the offering", "th-num"),
        ("Percent of class owned after the offering" if beneficially else "Percent owned after", "th-num"),
    ]
    if notes:
        names += [
            ("Principal amount of notes owned", "th-num"),
            ("Principal amount of notes whose shares are offered", "th-num"),
        ]
        names += [("Percent of notes outstanding", "th-num")]
    return [Cell(text, role) for text, role in names]


def _notes_columns(rows: list[HolderRow]) -> bool:
    return any(
        r.principal_owned is not None or r.principal_offered is not None or r.percent_of_notes is not None for r in rows
    )


def _row(row: HolderRow, *, notes: bool) -> list[Cell]:
    markers = "".join(f.marker for f in row.footnotes.all())
    cells = [
        Cell(f"{row.name} {markers}" if markers else row.name, "td-name"),
        Cell(_n(row.owned_before), "td-num"),
        Cell(_n(row.offered), "td-num"),
        Cell(_n(row.owned_after), "td-num"),
        Cell(fmt.percent_cell(row.percent_after), "td-num"),
    ]
    if notes:
        cells += [Cell(_money(row.principal_owned), "td-num"), Cell(_money(row.principal_offered), "td-num")]
        cells += [Cell(fmt.percent_cell(row.percent_of_notes), "td-num")]
    return cells


def _totals(rows: list[HolderRow], *, notes: bool) -> list[Cell]:
    cells = [
        Cell("Total", "total-name"),
        Cell(_total([r.owned_before for r in rows]), "total-num"),
        Cell(_total([r.offered for r in rows]), "total-num"),
        Cell(_total([r.owned_after for r in rows]), "total-num"),
        Cell("", "total-num"),
    ]
    if notes:
        cells += [Cell(_total_money([r.principal_owned for r in rows]), "total-num")]
        cells += [Cell(_total_money([r.principal_offered for r in rows]), "total-num"), Cell("", "total-num")]
    return cells


def _names(rows: list[HolderRow]) -> str:
    return fmt.join_and([r.name for r in rows])


def _change_sentences(shown: list[HolderRow], removed: list[HolderRow], words: HolderWords) -> list[str]:
    """What an amending table does: who it adds, whose information it amends, who it removes."""
    added = [r for r in shown if r.change == RowChange.ADDED]
    amended = [r for r in shown if r.change != RowChange.ADDED]
    clauses = []
    if added:
        clauses.append(f"adds {_names(added)} as {'a ' + words.singular if len(added) == 1 else words.plural}")
    if amended:
        clauses.append(f"amends the information for {_names(amended)}")
    sentences = [f"It {fmt.join_and(clauses)}."] if clauses else []
    if removed:
        many = len(removed) > 1
        sentences.append(
            f"{_names(removed)} {'are' if many else 'is'} removed from the table and no longer named as "
            f"{words.plural if many else 'a ' + words.singular}."
        )
    sentences.append(f"The information for every other {words.singular} remains as previously stated.")
    return sentences


def _basis_sentences(table: HolderTable, nouns: Nouns, notes_name: str) -> list[str]:
    sentences = []
    if table.beneficial_ownership_as_of:
        sentences.append(f"Beneficial ownership is stated as of {fmt.long_date(table.beneficial_ownership_as_of)}.")
    if table.shares_outstanding is not None:
        of_class = (
            nouns.counted(table.shares_outstanding, table.security)
            if table.security
            else fmt.counted(table.shares_outstanding, "share", "shares")
        )
        as_of = f" as of {fmt.long_date(table.shares_outstanding_as_of)}" if table.shares_outstanding_as_of else ""
        sentences.append(f"Percentages of the class are based on {of_class} outstanding{as_of}.")
    if table.notes_principal_outstanding is not None:
        sentences.append(
            f"Percentages of notes are based on {fmt.money(table.notes_principal_outstanding)} aggregate principal "
            f"amount of {notes_name} outstanding."
        )
    return sentences


def _lead(table: HolderTable, shown: list[HolderRow], removed: list[HolderRow], words: HolderWords, what: str) -> str:
    where = words.table_reference()
    if table.mode == HolderTableMode.AMEND:
        return " ".join([f"The table below amends {where}.", *_change_sentences(shown, removed, words)])
    if not shown:
        return f"This prospectus supplement restates {where}: it names no {words.plural}."
    return (
        f"The table below restates {where} and replaces it in full. It lists, "
        f"{fmt.for_each(len(shown), words.singular, words.plural)}, the {what} beneficially owned before the "
        "offering, the shares offered under the prospectus, and the shares and percentage of the class "
        "beneficially owned after the offering, assuming all shares offered are sold."
    )


def _row_facts(rows: list[HolderRow], words: HolderWords) -> list[Paragraph]:
    """Natural persons with voting or dispositive power, broker-dealer status and relationships, row by row."""
    blocks = []
    persons = [f"{' '.join(r.natural_persons.split())} ({r.name})" for r in rows if r.natural_persons.strip()]
    if len(persons) == 1:
        blocks.append(
            Paragraph(
                f"The natural person who has voting or dispositive power over the shares held by the {words.singular} "
                f"named in the table is {persons[0]}."
            )
        )
    elif persons:
        blocks.append(
            Paragraph(
                f"The natural persons who have voting or dispositive power over the shares held by the {words.plural} "
                f"named in the table are {fmt.join_and(persons)}."
            )
        )
    for row in rows:
        if row.broker_dealer == "broker_dealer":
            blocks.append(Paragraph(f"{row.name} is a registered broker-dealer."))
        elif row.broker_dealer == "affiliate":
            blocks.append(Paragraph(f"{row.name} is an affiliate of a registered broker-dealer."))
    blocks += _relationships([(r.name, r.relationship) for r in rows], words)
    return blocks


def _relationships(pairs: list[tuple[str, str]], words: HolderWords) -> list[Paragraph]:
    pairs = [(name, " ".join(text.split())) for name, text in pairs if text and text.strip()]
    if not pairs:
        return []
    lead = (
        f"The following {words.plural} have held a position or office with us, or have had another material "
        "relationship with us, within the past three years:"
        if len(pairs) > 1
        else f"The following {words.singular} has held a position or office with us, or has had another material "
        "relationship with us, within the past three years:"
    )
    return [Paragraph(lead), *[Paragraph(f"{name}: {text}", "relationship") for name, text in pairs]]


def _notes_name(securities) -> str:
    notes = {s.pk: s for s in securities if s.kind in (SecurityKind.NOTE, SecurityKind.DEBT)}
    return f"the {short_title(next(iter(notes.values())))}" if len(notes) == 1 else "the notes"


def table_blocks(table: HolderTable, nouns: Nouns, words: HolderWords, securities) -> tuple[list[Block], list[Block]]:
    """(lead, table and footnotes) for one table a supplement restates or amends."""
    rows = list(table.rows.all())
    shown = [r for r in rows if r.change != RowChange.REMOVED]
    removed = [r for r in rows if r.change == RowChange.REMOVED]
    what = nouns.plural(table.security) if table.security else "shares"
    lead = [_lead(table, shown, removed, words, what), *_basis_sentences(table, nouns, _notes_name(securities))]
    body: list[Block] = []
    if shown:
        notes = _notes_columns(shown)
        complete = table.mode == HolderTableMode.RESTATE and len(shown) > 1
        body.append(
            Table(
                header=_header(words, beneficially=True, notes=notes),
                rows=[_row(r, notes=notes) for r in shown],
                totals=_totals(shown, notes=notes) if complete else None,
                role="grid-wide" if notes else "grid",
            )
        )
        body += _footnotes(table, shown)
        body += _row_facts(shown, words)
    return [Paragraph(" ".join(lead))], body


def _footnotes(table: HolderTable, shown: list[HolderRow]) -> list[Paragraph]:
    notes = [Paragraph(f"{f.marker} {' '.join(f.text.split())}", "footnote") for f in table.footnotes.all()]
    starred = any(fmt.percent_cell(v) == "*" for r in shown for v in (r.percent_after, r.percent_of_notes))
    if starred and not any(f.marker == "*" for f in table.footnotes.all()):
        notes.insert(0, Paragraph(LESS_THAN_ONE, "footnote"))
    return notes


# -- a selling-stockholder update recorded without a table: the registration's selling stockholders ---------


def _holder_row(holder: SellingStockholder) -> list[Cell]:
    return [
        Cell(holder.name, "td-name"),
        Cell(_n(holder.shares_owned_before), "td-num"),
        Cell(fmt.count(holder.shares_offered), "td-num"),
        Cell(_n(holder.shares_owned_after), "td-num"),
        Cell(fmt.percent_cell(holder.percent_after), "td-num"),
    ]


def _holder_totals(holders: list[SellingStockholder]) -> list[Cell]:
    return [
        Cell("Total", "total-name"),
        Cell(_total([h.shares_owned_before for h in holders]), "total-num"),
        Cell(fmt.count(sum(h.shares_offered for h in holders)), "total-num"),
        Cell(_total([h.shares_owned_after for h in holders]), "total-num"),
        Cell("", "total-num"),
    ]


def stockholder_blocks(
    holders: list[SellingStockholder], words: HolderWords, what: str
) -> tuple[list[Block], list[Block]]:
    """(lead, table) listing the registration's selling stockholders, one row each."""
    where = words.table_reference()
    if not holders:
        return [Paragraph(f"This prospectus supplement updates {where}: no {words.plural} are named.")], []
    lead = (
        f"This prospectus supplement updates {where}. The table below lists, "
        f"{fmt.for_each(len(holders), words.singular, words.plural)}, the {what} owned before "
        "the offering, the shares offered under the prospectus, and the shares and percentage of the class owned "
        "after the offering, assuming all shares offered are sold."
    )
    rows = [_holder_row(h) for h in holders]
    body: list[Block] = [
        Table(
            header=_header(words, beneficially=False, notes=False),
            rows=rows,
            totals=_holder_totals(holders) if len(holders) > 1 else None,
        )
    ]
    if any(row[4].text == "*" for row in rows):
        body.append(Paragraph(LESS_THAN_ONE, "footnote"))
    body += _relationships([(h.name, h.relationship) for h in holders], words)
    return [Paragraph(lead)], body
