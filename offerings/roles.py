"""The staff roles, each a group with exactly its permissions (least privilege); superusers have every one.

- Preparer: keeps the records, drafts supplements, previews them, submits them for review, imports dossiers.
- Reviewer: counsel; reads everything, approves a supplement in review or sends it back to draft.
- Filer: reads everything, records the EDGAR filing of an approved supplement.
- Delivery: packages, investors and deliveries; reads the offering records it delivers.
- Auditor: reads everything, changes nothing.

Permissions are named as Django names them ("app_label.codename"); ``sync_roles`` (run by a migration, and
again by any later migration that changes a role) makes each group hold exactly these.
"""

OFFERING_RECORDS = [
    "issuer",
    "security",
    "offering",
    "unitcomponent",
    "condition",
    "registrationstatement",
    "amendment",
    "registeredamount",
    "registeredcomponent",
    "prospectus",
    "periodicreport",
    "sellingstockholder",
    "securitytermschange",
    "holdertable",
    "holderrow",
    "holderfootnote",
]
SUPPLEMENT_CONTENT = [
    "supplement",
    "supplementincorporation",
    "supplementenclosure",
    "supplementsection",
    "supplementattachment",
    "supplementevent",
    "financialstatement",
]
COMPLIANCE_RECORDS = ["closureday", "latefilingnotice"]
DELIVERY_RECORDS = ["packageversion", "packagedocument", "delivery", "deliveryevent"]


def _perms(app: str, models: list[str], actions: tuple[str, ...]) -> set[str]:
    return {f"{app}.{action}_{model}" for model in models for action in actions}


def _read_everything() -> set[str]:
    return (
        _perms("offerings", OFFERING_RECORDS + SUPPLEMENT_CONTENT + ["investor"], ("view",))
        | _perms("compliance", COMPLIANCE_RECORDS, ("view",))
        | _perms("documents", ["supplementrendition"], ("view",))
        | _perms("delivery", DELIVERY_RECORDS, ("view",))
        | {"offerings.preview_supplement", "compliance.view_findings", "audit.view_logentry"}
    )


ROLES: dict[str, set[str]] = {
    "Preparer": _perms("offerings", OFFERING_RECORDS + SUPPLEMENT_CONTENT, ("add", "change", "view"))
    | _perms("offerings", SUPPLEMENT_CONTENT, ("delete",))
    | _perms("compliance", COMPLIANCE_RECORDS, ("add", "change", "view"))
    | {"offerings.submit_supplement", "offerings.preview_supplement", "offerings.import_dossier"}
    | {"compliance.view_findings", "documents.view_supplementrendition"},
    "Reviewer": _read_everything() | {"offerings.review_supplement"},
    "Filer": _read_everything() | {"offerings.file_supplement"},
    "Delivery": _perms("delivery", ["packageversion", "delivery"], ("add", "change", "view"))
    | _perms("delivery", ["packagedocument", "deliveryevent"], ("view",))
    | _perms("offerings", ["investor"], ("add", "change", "view", "delete"))
    | _perms(
        "offerings",
        ["registrationstatement", "prospectus", "periodicreport", "supplement", "sellingstockholder"],
        ("view",),
    )
    | {"offerings.preview_supplement", "compliance.view_findings"},
    "Auditor": _read_everything(),
}


def sync_roles(apps, schema_editor=None) -> None:
    """Create each role's group and give it exactly its permissions (creating permissions not yet made)."""
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        # create_permissions skips an app config without a models module (a migration's historical apps have
        # none); the real one is put back, or post_migrate would skip the app from then on.
        models_module, config.models_module = getattr(config, "models_module", None), True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        permissions = []
        for label in sorted(wanted):
            app_label, codename = label.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
