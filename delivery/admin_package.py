"""The package version's own admin page: out-of-date state, delivering to recipients without a delivery, and the
preview of the email notice (issue 13). Mixed into ``delivery.admin.PackageVersionAdmin``.

Rules: delivering needs the Delivery role's ``delivery.add_delivery`` and only the current version is delivered;
a preview never issues a token (it shows a placeholder link) and its HTML is served on its own, sandboxed.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Max, OuterRef, Subquery
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from safety import params

from . import selectors
from .models import Delivery, DeliveryMethod, PackageVersion
from .services import links, notices

# The sandboxed HTML preview: no script, no network (images included), no framing; the email's own inline
# styles are allowed because nothing in the sandbox can run.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; frame-ancestors 'none'; sandbox"
NAMES_SHOWN = 50


class DeliverForm(forms.Form):
    send = forms.BooleanField(
        required=False,
        initial=False,
        label="Email the recipients who have an email address now",
        help_text="Unticked: every new delivery gets its personal link on the next page, shown once, for you to "
        "send yourself. Ticked: email links are issued and sent in the background; postal and in-person links "
        "are shown on the next page, once.",
    )


def publish_url(version: PackageVersion) -> str:
    return (
        reverse("admin:delivery_packageversion_publish")
        + "?"
        + urlencode({"registration": version.registration_statement_id})
    )


def latest_numbers():
    """Annotation: the newest version number of each row's registration."""
    newest = (
        PackageVersion.objects.filter(registration_statement=OuterRef("registration_statement"))
        .values("registration_statement")
        .annotate(latest=Max("number"))
        .values("latest")
    )
    return {"latest_number": Subquery(newest)}


def preview_delivery(version: PackageVersion, delivery_id: int | None) -> Delivery | None:
    """The delivery to preview: the one asked for (of this version), else its first email delivery, else an
    unsaved delivery for the first email recipient who has none yet."""
    deliveries = version.deliveries.select_related("package_version__registration_statement__issuer")
    if delivery_id is not None:
        found = deliveries.filter(pk=delivery_id).first()
        if found is None:
            raise Http404("No such delivery of this package version.")
        return found
    first = deliveries.filter(method=DeliveryMethod.EMAIL).order_by("id").first()
    if first is not None:
        return first
    for recipient in selectors.recipients_without_delivery(package_version=version):
        if recipient.email:
            return selectors.unsaved_delivery(package_version=version, recipient=recipient, method=DeliveryMethod.EMAIL)
    return None


class PackageVersionPagesMixin:
    """Extra columns, fields and pages of the package version admin."""

    change_form_template = "delivery/admin/packageversion_change_form.html"

    def package_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/deliver/", view(self.deliver_view), name="delivery_packageversion_deliver"),
            path("<int:pk>/preview/", view(self.preview_view), name="delivery_packageversion_preview"),
            path("<int:pk>/preview/html/", view(self.preview_html_view), name="delivery_packageversion_preview_html"),
        ]

    def state(self, obj):
        """Current and up to date, out of date (with the publish button), or superseded by a later version."""
        latest = getattr(obj, "latest_number", None) or obj.number
        if obj.number < latest:
            return f"Superseded by v{latest}"
        reason = selectors.package_out_of_date(registration=obj.registration_statement)
        if reason is None:
            return "Current, up to date"
        return format_html(
            '<strong class="package-out-of-date">Out of date:</strong> {} <a class="button" href="{}">Publish v{}</a>',
            reason,
            publish_url(obj),
            obj.number + 1,
        )

    state.short_description = "State"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            "can_deliver": request.user.has_perm("delivery.add_delivery"),
            "can_publish": request.user.has_perm("delivery.add_packageversion"),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra)

    def _version(self, request, pk: int) -> PackageVersion:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(PackageVersion.objects.select_related("registration_statement__issuer"), pk=pk)

    def deliver_view(self, request, pk: int):
        """Deliveries for the recipients of the registration without one for this version; Rule: only the
        current version is delivered, and each new link is shown once."""
        if not request.user.has_perm("delivery.add_delivery"):
            raise PermissionDenied
        version = self._version(request, pk)
        change_url = reverse("admin:delivery_packageversion_change", args=[version.pk])
        current = selectors.current_package(registration=version.registration_statement)
        if current.pk != version.pk:
            self.message_user(
                request, f"{version} has been superseded by v{current.number}; deliver that one.", messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        waiting = selectors.recipients_without_delivery(package_version=version)
        form = DeliverForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid() and waiting:
            issued = links.create_deliveries(
                actor=request.user, package_version=version, send=form.cleaned_data["send"]
            )
            shown = [link for link in issued if link.token]
            emailed = len(issued) - len(shown)
            self.message_user(
                request, f"Created {len(issued)} deliveries; {emailed} notice(s) queued.", messages.SUCCESS
            )
            if not shown:
                return HttpResponseRedirect(change_url)
            context = {**self.admin_site.each_context(request), "opts": self.model._meta, "version": version}
            return TemplateResponse(
                request, "delivery/admin/links.html", {**context, "title": "Personal links", "links": shown}
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Deliver {version} to recipients without a delivery",
            "version": version,
            "form": form,
            "waiting": waiting[:NAMES_SHOWN],
            "waiting_count": len(waiting),
            "out_of_date": selectors.package_out_of_date(registration=version.registration_statement),
            "change_url": change_url,
        }
        return TemplateResponse(request, "delivery/admin/deliver.html", context)

    def _preview_target(self, request, pk: int) -> tuple[PackageVersion, Delivery | None]:
        version = self._version(request, pk)
        try:
            delivery_id = params.whole_number(request.GET.get("delivery"), name="delivery", minimum=1, maximum=2**62)
        except params.ParameterError as error:
            raise BadRequest(str(error)) from error
        return version, preview_delivery(version, delivery_id)

    def preview_view(self, request, pk: int):
        """The email notice a recipient will get, text and HTML source, with a placeholder link."""
        version, delivery = self._preview_target(request, pk)
        notice = notices.preview_notice(delivery=delivery) if delivery is not None else None
        choices = version.deliveries.filter(method=DeliveryMethod.EMAIL).order_by("recipient_name", "id")[:200]
        query = f"?delivery={delivery.pk}" if delivery is not None and delivery.pk else ""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Email notice of {version}",
            "version": version,
            "delivery": delivery,
            "notice": notice,
            "choices": choices,
            "placeholder": notices.PREVIEW_LINK_TEXT,
            "html_url": reverse("admin:delivery_packageversion_preview_html", args=[version.pk]) + query,
        }
        return TemplateResponse(request, "delivery/admin/preview.html", context)

    def preview_html_view(self, request, pk: int):
        """The notice's HTML on its own, under a sandbox policy: nothing in it runs or loads."""
        _version, delivery = self._preview_target(request, pk)
        if delivery is None:
            raise Http404("No email recipient to preview.")
        response = HttpResponse(notices.preview_notice(delivery=delivery).html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = PREVIEW_CSP
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
