"""Background work: big supplements render in a worker (``manage.py db_worker``), off the request path."""

from django_tasks import task

from offerings import services as offering_services
from offerings.models import Supplement

from . import services


@task()
def freeze_supplement_task(supplement_id: int) -> dict[str, str]:
    """Freeze an approved or filed supplement that has no renditions yet; returns format -> SHA-256."""
    supplement = Supplement.objects.get(pk=supplement_id)
    return {format: r.sha256 for format, r in services.ensure_frozen(supplement=supplement).items()}


@task()
def approve_supplement_task(supplement_id: int) -> dict[str, str]:
    """Approve (and so render and freeze) a supplement in the worker; a long holder table can take minutes."""
    supplement = offering_services.approve_supplement(supplement=Supplement.objects.get(pk=supplement_id))
    return {r.format: r.sha256 for r in supplement.renditions.all()}
