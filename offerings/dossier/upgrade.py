"""``offering-dossier/1`` files keep importing: they are upgraded in memory to ``offering-dossier/2``.

The upgrade adds nothing a /1 file does not say: new fields take null, false or an empty list. A /1 file has
one prospectus; its supplements get the keys ``supplement-1``, ``supplement-2``... in file order (so two
unnumbered supplements of the same date stay two), and a supplement with a filing date or an accession number
is filed. The reports ``delivered_with`` a ``periodic_report_attached`` supplement are the reports it attaches.
Problems found after the upgrade are reported at the /1 file's own paths (``v1_path``).
"""

import copy
import re
from typing import Any

FORMAT_1 = "offering-dossier/1"
FORMAT_2 = "offering-dossier/2"
ATTACHING_PURPOSE = "periodic_report_attached"


def _security(item: dict[str, Any]) -> dict[str, Any]:
    converts = item.get("converts")
    return {
        "key": item["key"],
        "title": item["title"],
        "kind": item["kind"],
        "par_value": item.get("par_value"),
        "stated_value": None,
        "authorized": item.get("authorized"),
        "outstanding": item.get("outstanding"),
        "trading_symbol": None,
        "market": None,
        "placement_agent": False,
        "converts": None
        if converts is None
        else {
            "into": converts["into"],
            "shares_per_security": converts.get("shares_per_security"),
            "price_per_share": converts.get("price_per_share"),
            "conversion_rate_per_1000": None,
            "conversion_price": None,
            "term": converts.get("term"),
            "expires_on": converts.get("expires_on"),
        },
        "note": None,
        "terms_changes": [],
    }


def _supplement(index: int, item: dict[str, Any], prospectus_date: str) -> dict[str, Any]:
    attaching = item["purpose"] == ATTACHING_PURPOSE
    delivered = list(item.get("delivered_with") or [])
    return {
        "key": f"supplement-{index + 1}",
        "prospectus": prospectus_date,
        "number": item.get("number"),
        "date": item["date"],
        "rule": item["rule"],
        "purpose": item["purpose"],
        "summary": item.get("summary"),
        "incorporates": list(item.get("incorporates") or []),
        "delivered_with": [] if attaching else delivered,
        "attaches": delivered if attaching else [],
        "holder_tables": [],
        "events": [],
        "financial_statements": [],
        "sections": [],
        "first_used_on": item.get("first_used_on"),
        "filed": bool(item.get("filed_on") or item.get("accession_number")),
        "filed_on": item.get("filed_on"),
        "accession_number": item.get("accession_number"),
    }


def upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """The /2 document that says what a schema-valid /1 document says."""
    data = copy.deepcopy(data)
    registration = data["registration_statement"]
    prospectus = data["prospectus"]
    return {
        "format": FORMAT_2,
        "issuer": {**data["issuer"], "foreign_private_issuer": False},
        "securities": [_security(s) for s in data.get("securities") or []],
        "offerings": data.get("offerings") or [],
        "conditions": data.get("conditions") or [],
        "registration_statement": {
            **{k: registration.get(k) for k in ("file_number", "form", "filed_on", "effective_on", "last_amended_on")},
            "forward_incorporation": registration.get("forward_incorporation"),
            "resale": registration.get("resale", True),
            "stated_proceeds_if_exercised": registration.get("stated_proceeds_if_exercised"),
            "registered": [
                {
                    "security": r["security"],
                    "amount": r["amount"],
                    "components": [{**c, "principal_amount": None} for c in r.get("components") or []],
                }
                for r in registration["registered"]
            ],
            "amendments": [],
        },
        "prospectuses": [
            {
                "date": prospectus["date"],
                "information_as_of": None,
                "page_references": prospectus.get("page_references") or {},
                "also_covers": [],
                "holder_tables": [],
            }
        ],
        "periodic_reports": data.get("periodic_reports") or [],
        "supplements": [_supplement(i, s, prospectus["date"]) for i, s in enumerate(data.get("supplements") or [])],
        "selling_stockholders": data.get("selling_stockholders") or [],
        "investors": data.get("investors") or [],
    }


_ATTACHES = re.compile(r"^(\$\.supplements\[\d+\])\.attaches")


def v1_path(path: str) -> str:
    """Where a problem found in the upgraded document stands in the /1 file."""
    path = path.replace("$.prospectuses[0]", "$.prospectus")
    return _ATTACHES.sub(r"\1.delivered_with", path)
