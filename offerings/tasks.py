"""Background tasks of the offering records (django-tasks). The default ImmediateBackend runs them in-process
after commit; production runs the database backend with ``manage.py db_worker``."""

from django_tasks import task

from .services import approvals


@task()
def approve_supplement_job(job_id: int) -> str:
    """Run one approval job from the admin (``offerings.services.approvals.run_approval_job``); its status."""
    return approvals.run_approval_job(job_id=job_id)
