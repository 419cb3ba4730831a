"""Three dossiers written for the rendering tests. None shares a number, date or name with BestNet."""

import copy


def _base(*, name: str, cik: str, file_number: str) -> dict:
    return {
        "format": "offering-dossier/1",
        "issuer": {"name": name, "cik": cik, "state_of_incorporation": "Delaware", "fiscal_year_end": "12-31"},
        "securities": [],
        "offerings": [],
        "conditions": [],
        "registration_statement": {"file_number": file_number, "registered": []},
        "prospectus": {"date": "2021-09-14"},
        "periodic_reports": [],
        "supplements": [],
        "selling_stockholders": [],
        "investors": [],
    }


def warrant_shares_dossier() -> dict:
    """Common stock only: placement shares and the shares behind two warrant series at different prices."""
    data = _base(name="Quillfeather Robotics, Inc.", cik="1850421", file_number="333-258114")
    data["issuer"]["principal_market"] = "Nasdaq Capital Market"
    data["securities"] = [
        {"key": "common", "title": "common stock, par value $.0001 per share", "kind": "common", "par_value": "0.0001"},
        {
            "key": "class_a",
            "title": "Class A warrants",
            "kind": "warrant",
            "converts": {"into": "common", "shares_per_security": "1", "price_per_share": "1.25", "term": "5 years"},
        },
        {
            "key": "class_b",
            "title": "Class B warrants",
            "kind": "warrant",
            "converts": {"into": "common", "shares_per_security": "1", "price_per_share": "2.40", "term": "7 years"},
        },
    ]
    data["offerings"] = [
        {"key": "pipe_2021", "title": "Private placement of common stock and warrants", "closed_on": "2021-06-02"}
    ]
    data["registration_statement"].update(
        {
            "form": "S-1",
            "filed_on": "2021-07-09",
            "effective_on": "2021-08-27",
            "forward_incorporation": False,
            "registered": [
                {
                    "security": "common",
                    "amount": 2_750_000,
                    "components": [
                        {"source": "issued", "from_offering": "pipe_2021", "amount": 1_000_000},
                        {
                            "source": "issuable_on_exercise",
                            "from_security": "class_a",
                            "from_offering": "pipe_2021",
                            "amount": 1_000_000,
                        },
                        {
                            "source": "issuable_on_exercise",
                            "from_security": "class_b",
                            "from_offering": "pipe_2021",
                            "amount": 750_000,
                        },
                    ],
                }
            ],
        }
    )
    data["prospectus"] = {"date": "2021-09-14", "page_references": {"Risk Factors": 9, "Selling Stockholders": 31}}
    data["periodic_reports"] = [
        {
            "key": "annual_2020",
            "form": "10-K",
            "period_end": "2020-12-31",
            "filed_on": "2021-03-26",
            "accession_number": "0001850421-21-000004",
            "page_references": {"Item 1A. Risk Factors": 12},
        },
        {
            "key": "q3_2021",
            "form": "10-Q",
            "period_end": "2021-09-30",
            "filed_on": "2021-11-12",
            "accession_number": "0001850421-21-000019",
        },
    ]
    data["supplements"] = [
        {
            "number": 1,
            "date": "2021-11-15",
            "rule": "424(b)(3)",
            "purpose": "incorporation_update",
            "incorporates": ["q3_2021"],
            "delivered_with": ["annual_2020", "q3_2021"],
        }
    ]
    return data


def quarter_warrant_units_dossier() -> dict:
    """Units of one share and one-quarter of a warrant; the warrants wait on a listing condition."""
    data = _base(name="Harborline Therapeutics Corp.", cik="1766032", file_number="333-229871")
    data["securities"] = [
        {"key": "common", "title": "common stock, par value $.01 per share", "kind": "common", "par_value": "0.01"},
        {
            "key": "warrant",
            "title": "warrants to purchase common stock",
            "kind": "warrant",
            "converts": {"into": "common", "shares_per_security": "1", "price_per_share": "4.75", "term": "4 years"},
        },
        {"key": "unit", "title": "units", "kind": "unit"},
    ]
    data["offerings"] = [
        {
            "key": "units_2019",
            "title": "Unit offering",
            "closed_in": "2019-01",
            "units_sold": 1_200_000,
            "price_per_unit": "4.10",
            "unit_components": [{"security": "common", "quantity": 1}, {"security": "warrant", "quantity": "0.25"}],
        }
    ]
    data["conditions"] = [
        {
            "key": "listing",
            "description": "The common stock must be approved for listing on a national securities exchange.",
            "restricts": ["warrant"],
            "satisfied_on": None,
        }
    ]
    data["registration_statement"].update(
        {
            "form": "S-1",
            "filed_on": "2019-02-20",
            "registered": [
                {
                    "security": "common",
                    "amount": 1_500_000,
                    "components": [
                        {
                            "source": "issued",
                            "from_security": "unit",
                            "from_offering": "units_2019",
                            "amount": 1_200_000,
                        },
                        {
                            "source": "issuable_on_exercise",
                            "from_security": "warrant",
                            "from_offering": "units_2019",
                            "amount": 300_000,
                        },
                    ],
                },
                {
                    "security": "warrant",
                    "amount": 300_000,
                    "components": [
                        {"source": "issued", "from_security": "unit", "from_offering": "units_2019", "amount": 300_000}
                    ],
                },
            ],
        }
    )
    data["prospectus"] = {"date": "2019-04-02", "page_references": {"Risk Factors": 4, "Selling Securityholders": 18}}
    data["periodic_reports"] = [
        {"key": "q1_2019", "form": "10-Q", "period_end": "2019-03-31", "filed_on": "2019-05-13"},
    ]
    data["supplements"] = [
        {
            "number": 2,
            "date": "2019-05-14",
            "rule": "424(b)(3)",
            "purpose": "incorporation_update",
            "incorporates": ["q1_2019"],
            "delivered_with": ["q1_2019"],
        }
    ]
    return data


HOLDER_COUNT = 50


def holder_name(i: int) -> str:
    return f"Tamsin Okonkwo-Reyes Family Trust {i:02d}"


def holders_update_dossier() -> dict:
    """A selling-stockholder update listing 50 holders."""
    data = _base(name="Corvane Minerals Holdings Inc.", cik="1702288", file_number="333-217765")
    data["securities"] = [
        {
            "key": "common",
            "title": "common stock, par value $.00001 per share",
            "kind": "common",
            "par_value": "0.00001",
        }
    ]
    data["registration_statement"].update(
        {
            "form": "S-3",
            "filed_on": "2017-05-09",
            "registered": [{"security": "common", "amount": sum(11_000 + 250 * i for i in range(HOLDER_COUNT))}],
        }
    )
    data["prospectus"] = {"date": "2017-06-21", "page_references": {"Risk Factors": 5, "Selling Stockholders": 14}}
    data["supplements"] = [
        {"number": 4, "date": "2018-02-06", "rule": "424(b)(3)", "purpose": "selling_stockholder_update"}
    ]
    data["selling_stockholders"] = [
        {
            "name": holder_name(i),
            "shares_owned_before": 11_000 + 250 * i + (5_000 if i % 10 == 0 else 0),
            "shares_offered": 11_000 + 250 * i,
            "shares_owned_after": 5_000 if i % 10 == 0 else 0,
            "percent_after": "1.2" if i == 0 else ("0.4" if i % 10 == 0 else None),
            "relationship": "Director since 2015." if i == 7 else "",
        }
        for i in range(HOLDER_COUNT)
    ]
    return data


def with_changes(data: dict, change) -> dict:
    copied = copy.deepcopy(data)
    change(copied)
    return copied


# Numbers, dates and names that appear in the BestNet filing; none may leak into another dossier's document.
BESTNET_TOKENS = [
    "BestNet",
    "BESTNET",
    "333-105026",
    "3,563,593",
    "21,439,058",
    "10,690,779",
    "7,127,186",
    "1,781,796",
    "$0.30",
    "$0.10",
    "$.001 ",
    "May 19, 2003",
    "May 6, 2003",
    "July 16, 2003",
    "August 31, 2002",
    "May 31, 2003",
    "March 2003",
    "2003",
    "2002",
    "10-KSB",
    "10-QSB",
    "Series A",
    "Preferred",
    "Additional Factors",
    "three-year",
    "stockholder vote",
]
