"""Background tasks (django-tasks). The default ImmediateBackend runs them in-process; production runs the
database backend with ``manage.py db_worker``."""

from django_tasks import task

from offerings.actors import SystemActor

from .services import notices


@task()
def send_delivery_notices(delivery_ids: list[int]) -> dict[str, int]:
    """Email one batch of deliveries their personal links."""
    return notices.send_delivery_notices(actor=SystemActor("send_delivery_notices"), delivery_ids=delivery_ids)
