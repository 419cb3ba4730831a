"""Background tasks (django-tasks). The default ImmediateBackend runs them in-process; production runs the
database backend with ``manage.py db_worker``."""

from django_tasks import task

from offerings.actors import SystemActor

from .services import jobs, notices


@task()
def send_delivery_notices(delivery_ids: list[int]) -> dict[str, int]:
    """Email one batch of deliveries their personal links."""
    return notices.send_delivery_notices(actor=SystemActor("send_delivery_notices"), delivery_ids=delivery_ids)


@task()
def publish_package_job(job_id: int) -> str:
    """Run one publish job from the admin (``delivery.services.jobs.run_publish_job``); returns its status."""
    return jobs.run_publish_job(job_id=job_id)
