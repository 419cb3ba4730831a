"""Query limits of every admin list: a bad or oversized query parameter gets a 400 page naming it, never a 500.

Rule: a search (``?q=``) has at most ``PORTAL_ADMIN_SEARCH_MAX_CHARS`` characters and ``PORTAL_ADMIN_SEARCH_MAX_TERMS``
terms (each term is an OR across the search fields and the terms are ANDed: thousands of them make a query the
database cannot run, or runs for minutes) and no control characters; the date drill-down's year, month and day
make a real date in years 1 to 9998; a page number (``?p=``) is 1 to ``PAGE_MAX``; a list filter that range-checks
its value (``safety.params``) has its ``ParameterError`` shown the same way. The autocomplete's search goes through
``get_search_results``, which refuses with a plain 400.

``QueryLimitsMixin`` lives in audit, the lowest app, so that every app's admin classes can use it; the admins that
Django and the third-party apps registered before audit's get it from ``limit_registered_admins``.
"""

import datetime

from django.conf import settings
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR
from django.core.exceptions import BadRequest
from django.template.response import TemplateResponse

from safety import params

PAGE_MAX = 1_000_000
# The date drill-down's years: Django computes the first day of the next year from the one given.
HIERARCHY_FIRST_YEAR, HIERARCHY_LAST_YEAR = 1, datetime.MAXYEAR - 1


def check_search(value: str | None) -> None:
    """Raise ``ParameterError`` for a search over the configured length or number of terms."""
    params.search_terms(
        value,
        name=SEARCH_VAR,
        max_chars=int(settings.PORTAL_ADMIN_SEARCH_MAX_CHARS),
        max_terms=int(settings.PORTAL_ADMIN_SEARCH_MAX_TERMS),
    )


def check_page(value: str | None) -> None:
    params.whole_number(value, name=PAGE_VAR, minimum=1, maximum=PAGE_MAX)


def check_date_hierarchy(request, field: str) -> None:
    """``<field>__year``, ``__month`` and ``__day`` of the date drill-down form a real date (or are absent)."""
    get = request.GET.get
    year = params.whole_number(
        get(f"{field}__year"), name=f"{field}__year", minimum=HIERARCHY_FIRST_YEAR, maximum=HIERARCHY_LAST_YEAR
    )
    month = params.whole_number(get(f"{field}__month"), name=f"{field}__month", minimum=1, maximum=12)
    day = params.whole_number(get(f"{field}__day"), name=f"{field}__day", minimum=1, maximum=31)
    if year is not None and day is not None:
        try:
            datetime.date(year, month or 1, day)
        except ValueError as error:
            raise params.ParameterError(
                f"{field}__day", f"{field}__day: {year}-{month or 1:02d}-{day:02d} is not a date."
            ) from error


class QueryLimitsMixin:
    """ModelAdmin mixin: the list, the history page and the search refuse malformed or oversized parameters."""

    query_refused_template = "admin/query_refused.html"

    def check_changelist_query(self, request) -> None:
        check_search(request.GET.get(SEARCH_VAR))
        check_page(request.GET.get(PAGE_VAR))
        if self.date_hierarchy:
            check_date_hierarchy(request, self.date_hierarchy)

    def changelist_view(self, request, extra_context=None):
        try:
            self.check_changelist_query(request)
            return super().changelist_view(request, extra_context)
        except params.ParameterError as error:  # also from a list filter's queryset()
            return self.query_refused(request, error)

    def history_view(self, request, object_id, extra_context=None):
        try:
            check_page(request.GET.get(PAGE_VAR))
        except params.ParameterError as error:
            return self.query_refused(request, error)
        return super().history_view(request, object_id, extra_context)

    def get_search_results(self, request, queryset, search_term):
        try:
            check_search(search_term)
        except params.ParameterError as error:
            raise BadRequest(error.message) from error
        return super().get_search_results(request, queryset, search_term)

    def query_refused(self, request, error: params.ParameterError) -> TemplateResponse:
        """The 400 page: what was wrong, and a link to the list without the query."""
        context = {
            **self.admin_site.each_context(request),
            "title": "The list was not shown",
            "opts": self.opts,
            "message": error.message,
            "parameter": error.name,
            "list_url": request.path,
        }
        return TemplateResponse(request, self.query_refused_template, context, status=400)


def limit_registered_admins(site) -> None:
    """Give ``QueryLimitsMixin`` to each ModelAdmin registered on ``site`` so far that lacks it (Django's users and
    groups, the third-party apps'), by registering a subclass with the mixin in its place."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, QueryLimitsMixin):
            continue
        base = type(model_admin)
        namespace = {"__module__": base.__module__, "__doc__": base.__doc__}
        limited = type(base.__name__, (QueryLimitsMixin, base), namespace)
        site.unregister(model)
        site.register(model, limited)
