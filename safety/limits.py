"""Limits a child process sets on itself before heavy work (conversions, large PDFs)."""

import resource


def limit_self(megabytes: int, seconds: int) -> None:
    """In a child: cap the address space at ``megabytes`` (``RLIMIT_AS``) and CPU time at ``seconds`` plus a
    margin (``RLIMIT_CPU``: SIGXCPU at +5 s, killed at +10 s); the parent's timeout is the first wall."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds + 5, seconds + 10))
