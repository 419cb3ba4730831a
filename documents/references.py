"""Where the prospectus says things: page references by section title, and what it calls its selling holders."""

import re
from dataclasses import dataclass

RISK_KEY = re.compile(r"risk", re.IGNORECASE)
ANNUAL_RISK_KEY = re.compile(r"risk|factors", re.IGNORECASE)
SELLING_KEY = re.compile(r"selling\s+(stock|share|security|unit)holders", re.IGNORECASE)
INCORPORATION_KEY = re.compile(r"incorporat", re.IGNORECASE)
DISTRIBUTION_KEY = re.compile(r"plan of distribution", re.IGNORECASE)
DESCRIPTION_KEY = re.compile(r"^description\b", re.IGNORECASE)


def cited(refs: list[tuple[str, int]], document: str = "the prospectus") -> str:
    """'"Plan of Distribution" beginning on page 21 of the prospectus' (several joined with "and")."""
    quoted = [f'"{section}" beginning on page {page}' for section, page in refs]
    if not quoted:
        return ""
    if len(quoted) == 1:
        return f"{quoted[0]} of {document}"
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]} of {document}"


def page_refs(page_references: dict, pattern: re.Pattern) -> list[tuple[str, int]]:
    return [(section, int(page)) for section, page in (page_references or {}).items() if pattern.search(section)]


@dataclass(frozen=True)
class HolderWords:
    """What the prospectus calls the holders who sell: "selling stockholders", "selling securityholders"."""

    singular: str
    plural: str
    section: tuple[str, int] | None  # ("Selling Stockholders", 23): the section naming them, and its page

    def table_reference(self) -> str:
        """'the table under "Selling Stockholders" beginning on page 14 of the prospectus'."""
        if self.section:
            return f'the table under "{self.section[0]}" beginning on page {self.section[1]} of the prospectus'
        return f"the {self.singular} table in the prospectus"

    def section_reference(self) -> str:
        """'the "Selling Stockholders" section beginning on page 23 of the prospectus'."""
        if self.section:
            return f'the "{self.section[0]}" section beginning on page {self.section[1]} of the prospectus'
        return "the prospectus"


def holder_words(page_references: dict) -> HolderWords:
    refs = page_refs(page_references, SELLING_KEY)
    if not refs:
        return HolderWords("selling stockholder", "selling stockholders", None)
    kind = SELLING_KEY.search(refs[0][0])[1].lower()
    return HolderWords(f"selling {kind}holder", f"selling {kind}holders", refs[0])
