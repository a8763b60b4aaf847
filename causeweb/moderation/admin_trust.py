"""The trust-and-safety admin: the audit log (read-only, filterable, CSV export), suspensions
(suspend with a rule and a period, lift) and the appeals queue (uphold or overturn). Registered
from moderation/admin.py; every write goes through causeweb.moderation.services."""

from datetime import datetime, timedelta

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from causeweb.core.boundary import flash_errors
from causeweb.core.csv_export import csv_stream_response
from causeweb.core.exceptions import ValidationError
from causeweb.moderation import policies, services
from causeweb.moderation.forms import DURATION_CHOICES, SuspendForm
from causeweb.moderation.models import Appeal, ModerationAction, Suspension


def suspension_end(days: str) -> datetime | None:
    """A duration choice ("7", "30", ..., "" for permanent) as the suspension's end."""
    if days not in dict(DURATION_CHOICES):
        raise ValidationError({"suspend_days": gettext("Choose how long the suspension lasts.")})
    return timezone.now() + timedelta(days=int(days)) if days else None


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationAction)
class AuditLogAdmin(ReadOnlyAdmin):
    """The audit log: every moderator and finance action. Append-only: nobody can add, change or
    delete a row here (the model and, on Postgres, a trigger refuse it too)."""

    list_display = ["created_at", "moderator", "action", "content_type", "target_repr", "rule", "subject", "reason"]
    list_filter = ["action", "rule", "content_type", ("moderator", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["moderator", "content_type", "subject"]
    search_fields = ["target_repr", "reason", "action", "moderator__email", "subject__email"]
    date_hierarchy = "created_at"
    fields = ["created_at", "moderator", "action", "content_type", "object_id", "target_repr", "subject", "rule",
              "reason", "before", "after"]  # fmt: skip
    readonly_fields = fields
    change_list_template = "admin/moderation/moderationaction/change_list.html"

    CSV_HEADER = ["id", "created_at", "staff_member", "action", "content_type", "object_id", "target", "subject",
                  "rule", "reason", "before", "after"]  # fmt: skip

    def get_urls(self):
        export = path(
            "export/", self.admin_site.admin_view(self.export_view), name="moderation_moderationaction_export"
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The filtered, searched list as it stands on screen, as CSV (streamed)."""
        if not self.has_view_permission(request):
            raise DjangoPermissionDenied
        try:
            entries = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return redirect("admin:moderation_moderationaction_changelist")
        rows = (
            [
                entry.pk,
                entry.created_at.isoformat(),
                entry.moderator.email if entry.moderator else "",
                entry.action,
                entry.content_type.model if entry.content_type else "",
                entry.object_id or "",
                entry.target_repr,
                entry.subject.email if entry.subject else "",
                entry.rule,
                entry.reason,
                "" if entry.before is None else entry.before,
                "" if entry.after is None else entry.after,
            ]
            for entry in entries.iterator(chunk_size=2000)
        )
        name = f"audit-log-{timezone.now():%Y%m%d-%H%M}.csv"
        return csv_stream_response(filename=name, header=self.CSV_HEADER, rows=rows)


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    """Suspensions are made with the suspend form (from the user list or the flag queue) and
    lifted with the action; the rows themselves are never edited."""

    list_display = ["user", "rule", "starts_at", "ends_at", "lifted_at", "running"]
    list_filter = ["rule", ("lifted_at", admin.EmptyFieldListFilter), ("ends_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "note"]
    list_select_related = ["user"]
    fields = ["user", "rule", "note", "starts_at", "ends_at", "created_by", "lifted_at", "lifted_by"]
    readonly_fields = fields
    actions = ["lift"]

    @admin.display(boolean=True, description=_("Running"))
    def running(self, suspension):
        return suspension.is_active

    def has_lift_permission(self, request):
        return policies.can_suspend(request.user)

    @admin.action(description=_("Lift: they can sign in again (and are told)"), permissions=["lift"])
    def lift(self, request, queryset):
        done = 0
        for suspension in queryset.select_related("user"):
            with flash_errors(request, prefix=str(suspension.user)):
                done += services.user_reinstate(user=suspension.user, moderator=request.user, reason="Lifted in admin")
        self.message_user(
            request,
            ngettext("Lifted %(count)s suspension(s).", "Lifted %(count)s suspension(s).", done) % {"count": done},
            messages.SUCCESS,
        )

    def get_urls(self):
        suspend = path("suspend/", self.admin_site.admin_view(self.suspend_view), name="moderation_suspension_suspend")
        return [suspend, *super().get_urls()]

    def suspend_view(self, request):
        """Suspend the people in ?users=1,2: a rule, a period, a note, optionally hide their content."""
        if not policies.can_suspend(request.user):
            raise DjangoPermissionDenied
        ids = [int(pk) for pk in request.GET.get("users", "").split(",") if pk.isdigit()]
        people = list(get_user_model().objects.filter(pk__in=ids))
        form = SuspendForm(request.POST or None)
        if request.method == "POST" and people and form.is_valid():
            done = 0
            for person in people:
                with flash_errors(request, prefix=person.email):
                    done += bool(
                        services.user_suspend(
                            user=person,
                            moderator=request.user,
                            rule=form.cleaned_data["rule"],
                            note=form.cleaned_data["note"],
                            ends_at=suspension_end(form.cleaned_data["duration_days"]),
                            hide_content=form.cleaned_data["hide_content"],
                        )
                    )
            self.message_user(
                request,
                ngettext(
                    "Suspended %(count)s account(s); they have been emailed.",
                    "Suspended %(count)s account(s); they have been emailed.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
            return redirect("admin:moderation_suspension_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Suspend"),
            "people": people,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/moderation/suspension/suspend.html", context)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    """The appeals queue: pending first. A moderator other than the one who decided upholds or
    overturns from the appeal's page; the person is told."""

    list_display = ["created_at", "status", "decision_outcome", "decision_rule", "appellant", "decided_by"]
    list_filter = ["status", "decision__action", "decision__rule"]
    search_fields = ["appellant__email", "statement", "decision__target_repr"]
    list_select_related = ["appellant", "decided_by", "decision"]
    fields = ["decision_summary", "appellant", "statement", "created_at", "status", "decided_by", "decided_at",
              "decision_note"]  # fmt: skip
    readonly_fields = fields
    change_form_template = "admin/moderation/appeal/change_form.html"

    @admin.display(description=_("Decision"), ordering="decision__action")
    def decision_outcome(self, appeal):
        return appeal.decision.outcome

    @admin.display(description=_("Rule"), ordering="decision__rule")
    def decision_rule(self, appeal):
        return appeal.decision.get_rule_display()

    @admin.display(description=_("Decision appealed"))
    def decision_summary(self, appeal):
        decision = appeal.decision
        target = decision.target
        url = getattr(target, "get_absolute_url", None) if target is not None else None
        what = format_html('<a href="{}">{}</a>', url(), decision.target_repr) if url else decision.target_repr
        return format_html(
            gettext("{outcome} ({rule}) on {date} by {moderator}: {what}<br>Their note: {note}"),
            outcome=decision.outcome,
            rule=decision.get_rule_display() or gettext("no rule"),
            # The viewer's time zone and locale, as the moderation queue writes its dates.
            date=formats.date_format(timezone.localtime(decision.created_at), "SHORT_DATETIME_FORMAT"),
            moderator=decision.moderator or gettext("the system"),
            what=what,
            note=decision.reason or gettext("none"),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_decide": policies.can_decide_appeals(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        decide = path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view), name="moderation_appeal_decide")
        return [decide, *super().get_urls()]

    def decide_view(self, request, pk: int):
        if request.method != "POST" or not policies.can_decide_appeals(request.user):
            raise DjangoPermissionDenied
        appeal = get_object_or_404(Appeal, pk=pk)
        outcome = request.POST.get("outcome", "")
        done = (
            gettext("Overturned: the decision is undone, and the person has been told.")
            if outcome == "overturn"
            else gettext("Upheld: the decision stands, and the person has been told.")
        )
        with flash_errors(request, success=done):
            services.appeal_decide(
                appeal=appeal, moderator=request.user, outcome=outcome, note=request.POST.get("note", "")
            )
        return redirect(reverse("admin:moderation_appeal_change", args=[appeal.pk]))
