"""Background tasks (django-tasks). The default ImmediateBackend runs them in-process; production runs the
database backend with ``manage.py db_worker``."""

from django_tasks import task

from . import services


@task()
def send_delivery_notices(delivery_ids: list[int]) -> dict[str, int]:
    """Email one batch of deliveries their personal links."""
    return services.send_delivery_notices(delivery_ids=delivery_ids)
