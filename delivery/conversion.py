"""Converting package documents to PDF, and combining a package, in a child process with a time and memory limit.

Rule: no conversion runs in a web request or the worker's own process. Each HTML or text document is rendered
by ``files.to_pdf``, and the cover and combined PDF made by ``files.cover_pdf`` and ``files.combined_pdf``, in a
child process that limits its own address space to
``PORTAL_CONVERT_MEMORY_MB`` (``RLIMIT_AS``, and CPU time as a second guard) and is killed after
``PORTAL_CONVERT_TIMEOUT_SECONDS``. A child stopped by either limit, or failing, becomes a ``ValidationError``
on ``package`` naming the document ("prospectus.txt: conversion stopped after 120 s"), never a crash.
The children are forked from a server process (multiprocessing's forkserver) that has imported this module
and WeasyPrint once; the work goes to the child and the PDF's bytes come back through a pipe.
"""

import functools
import multiprocessing
import signal

from django.conf import settings
from django.core.exceptions import ValidationError

from safety.limits import limit_self

from . import files


def timeout_seconds() -> int:
    """``PORTAL_CONVERT_TIMEOUT_SECONDS`` (default 120): how long one child may run."""
    return int(settings.PORTAL_CONVERT_TIMEOUT_SECONDS)


def memory_mb() -> int:
    """``PORTAL_CONVERT_MEMORY_MB`` (default 2048): the child's address-space limit."""
    return int(settings.PORTAL_CONVERT_MEMORY_MB)


# The children fork from one server process that has already imported this module and WeasyPrint, so a
# conversion costs a fork, not a new interpreter (about 0.7 s). The server is started on first use.
_PRELOAD = ["delivery.conversion", "weasyprint"]


@functools.cache
def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def run_child(operation: str, *, work: dict, label: str) -> bytes:
    """Run ``_work(operation, work)`` in a child with the limits; its bytes, or a ``ValidationError`` on
    ``package`` naming ``label`` and why it stopped."""
    seconds, megabytes = timeout_seconds(), memory_mb()
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, megabytes, seconds, operation, work), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise ValidationError(
                {"package": f"{label}: conversion stopped after {seconds} s (PORTAL_CONVERT_TIMEOUT_SECONDS)."}
            )
        try:
            outcome, value = receiver.recv()
        except EOFError:  # the child died without an answer
            child.join(5)
            outcome, value = "died", child.exitcode
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome == "ok":
        return value
    raise ValidationError({"package": _failure(outcome, value, label=label, megabytes=megabytes)})


# Signals a child dies of when an allocation fails under its address-space limit (GLib traps, C aborts).
MEMORY_SIGNALS = {signal.SIGTRAP, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS}
MEMORY_SIGNS = ("MemoryError", "Cannot allocate memory", "std::bad_alloc", "out of memory")


def _failure(outcome: str, value, *, label: str, megabytes: int) -> list[str]:
    """What a failed child said (refused: its messages; failed: the error), or how it died, as messages."""
    if outcome == "refused":
        return list(value)
    memory = f"{label}: conversion stopped: it needed more than {megabytes} MB of memory (PORTAL_CONVERT_MEMORY_MB)"
    if outcome == "memory" or (outcome == "failed" and any(sign in value for sign in MEMORY_SIGNS)):
        return [f"{memory}."]
    if outcome == "failed":
        return [f"{label}: conversion failed ({value[:300]})."]
    status = value if isinstance(value, int) else 0
    if status < 0 and -status in MEMORY_SIGNALS:
        return [f"{memory}, or crashed (signal {-status})."]
    if status == -signal.SIGXCPU:
        return [f"{label}: conversion stopped: it used its CPU time limit (PORTAL_CONVERT_TIMEOUT_SECONDS)."]
    if status < 0:
        return [f"{label}: conversion stopped by signal {-status}."]
    return [f"{label}: conversion failed (exit status {status})."]


def to_pdf(part: files.Part, *, label: str) -> bytes:
    """The document as PDF for the combined file: a PDF as it is, HTML and text rendered in a child process."""
    if part.content_type == files.PDF:
        return part.data
    return run_child("pdf", work={"part": part}, label=label)


def combined_pdf(*, title: str, heading: str, lines: list[tuple[str, ...]], parts: list[tuple[str, bytes]]) -> bytes:
    """The cover (``files.cover_pdf`` of ``heading`` and ``lines``) and every part behind its bookmark, made in a
    child process (``files.combined_pdf``)."""
    work = {"title": title, "heading": heading, "lines": lines, "parts": parts}
    return run_child("combine", work=work, label="The combined PDF")


def _work(operation: str, work: dict) -> bytes:
    if operation == "pdf":
        return files.to_pdf(work["part"])
    cover = files.cover_pdf(heading=work["heading"], lines=work["lines"])
    return files.combined_pdf(title=work["title"], cover=cover, parts=work["parts"])


def _child(sender, megabytes: int, seconds: int, operation: str, work: dict) -> None:
    """In the child: set the limits, do the work, send ``(outcome, value)`` back to the parent."""
    limit_self(megabytes, seconds)
    try:
        answer = ("ok", _work(operation, work))
    except MemoryError:
        answer = ("memory", None)
    except ValidationError as error:
        answer = ("refused", error.messages)
    except Exception as error:  # any other failure of WeasyPrint or pypdf on staff's file, named
        answer = ("failed", f"{type(error).__name__}: {error}")
    try:
        sender.send(answer)
    except MemoryError:
        sender.send(("memory", None))
    finally:
        sender.close()
