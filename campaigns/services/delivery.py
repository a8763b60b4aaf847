"""Petition delivery (the loop that makes a petition matter): the organizer names the
decision-maker(s), delivers the signatures to them by email from the site (a PDF, a CSV of names
and comments, or both: the organizer picks; the PDF is drawn in campaigns.services.delivery_pdf),
records their answer and, when they said yes, marks the campaign won; everyone who asked for the
campaign's news is told.

The file respects each signer's choice: a signer who asked not to be shown publicly appears as
"Anonymous" (their comment stays, without their name); addresses are never in it.
"""

import csv
import io

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext

from campaigns import tasks
from campaigns.models import Campaign, DecisionMaker, PetitionDelivery, Signature
from campaigns.services import delivery_pdf
from campaigns.services._common import lock, require_organizer
from campaigns.services.updates import campaign_opted_in_audience
from causeweb.core import outbox, ratelimits
from causeweb.core.csv_export import csv_safe
from causeweb.core.exceptions import Conflict, ValidationError
from causeweb.core.validators import validate_single_line
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify, notify_bulk

ANONYMOUS = gettext_lazy("Anonymous")
PETITION_HEADER = ["name", "comment", "signed_on"]


def _require_public(campaign: Campaign) -> None:
    if not campaign.is_public:
        raise ValidationError(gettext("Deliver the petition once the campaign is published."), code="not_public")


# Whole sentences per field (a translator never sees "{label} is required" with a label glued in).
SINGLE_LINE_ERRORS = {
    "name": {
        "required": gettext_lazy("The name is required."),
        "too_long": gettext_lazy("The name is at most %(max)d characters."),
        "one_line": gettext_lazy("The name must be one line."),
    },
    "role": {
        "required": gettext_lazy("The role is required."),
        "too_long": gettext_lazy("The role is at most %(max)d characters."),
        "one_line": gettext_lazy("The role must be one line."),
    },
}


def _single_line(value: str, *, field: str, max_length: int, required: bool) -> str:
    value = (value or "").strip()
    errors = SINGLE_LINE_ERRORS[field]
    if required and not value:
        raise ValidationError({field: str(errors["required"])})
    if len(value) > max_length:
        raise ValidationError({field: str(errors["too_long"]) % {"max": max_length}})
    try:
        validate_single_line(value)
    except ValidationError:
        raise ValidationError({field: str(errors["one_line"])})
    return value


@transaction.atomic
def decision_maker_add(*, campaign: Campaign, actor, name: str, role: str = "", email: str = "") -> DecisionMaker:
    require_organizer(actor, campaign)
    name = _single_line(name, field="name", max_length=120, required=True)
    role = _single_line(role, field="role", max_length=160, required=False)
    email = (email or "").strip()
    if email:
        from_field = DecisionMaker._meta.get_field("email")
        try:
            from_field.run_validators(email)
        except ValidationError:
            raise ValidationError({"email": gettext("Enter a valid email address, or leave it empty.")})
    if campaign.decision_makers.count() >= 20:
        raise ValidationError(gettext("A campaign names at most 20 decision-makers."))
    return DecisionMaker.objects.create(campaign=campaign, name=name, role=role, email=email)


@transaction.atomic
def decision_maker_remove(*, decision_maker: DecisionMaker, actor) -> None:
    require_organizer(actor, decision_maker.campaign)
    if decision_maker.deliveries.exists():
        raise Conflict(gettext("The petition was delivered to them; that record stays."))
    decision_maker.delete()


def petition_rows(*, campaign: Campaign):
    """(name as the signer chose to be shown, comment, day signed) for each confirmed signature,
    oldest first. Private signers are "Anonymous"; no email address is ever included."""
    signatures = (
        Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False)
        .order_by("confirmed_at", "id")
        .values_list("name", "is_public", "comment", "confirmed_at")
    )
    for name, is_public, comment, confirmed_at in signatures.iterator(chunk_size=2000):
        yield (name if is_public else str(ANONYMOUS), comment, confirmed_at.date().isoformat())


def petition_csv(*, campaign: Campaign) -> bytes:
    """The petition as a CSV file (UTF-8 with a BOM so spreadsheets read accents; cells guarded
    against formulas)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PETITION_HEADER)
    for row in petition_rows(campaign=campaign):
        writer.writerow([csv_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def petition_pdf(*, campaign: Campaign) -> bytes:
    """The petition as a PDF: a title page (the ask, the decision-makers, the count, the date) and
    the signatures as `petition_rows` gives them (anonymity respected)."""
    return delivery_pdf.petition_pdf(
        campaign=campaign, rows=petition_rows(campaign=campaign), decision_makers=campaign.decision_makers.all()
    )


def petition_filename(campaign: Campaign, file_format: str = "csv") -> str:
    return f"petition-{campaign.slug}.{file_format}"


def petition_files(*, campaign: Campaign, file_format: str) -> list[tuple[str, bytes, str]]:
    """(file name, bytes, MIME type) of what a delivery in `file_format` attaches."""
    files = []
    if file_format in (PetitionDelivery.FileFormat.PDF, PetitionDelivery.FileFormat.BOTH):
        files.append((petition_filename(campaign, "pdf"), petition_pdf(campaign=campaign), "application/pdf"))
    if file_format in (PetitionDelivery.FileFormat.CSV, PetitionDelivery.FileFormat.BOTH):
        files.append((petition_filename(campaign, "csv"), petition_csv(campaign=campaign), "text/csv"))
    return files


@transaction.atomic
def petition_deliver(
    *, campaign: Campaign, decision_maker: DecisionMaker, actor, note: str = "", file_format: str = "pdf"
) -> PetitionDelivery:
    """Record the delivery and, when the decision-maker has an address, mail them the file(s) in
    `file_format` ("pdf", "csv" or "both") after commit (campaigns.tasks.deliver_petition).
    Rate-limited per organizer."""
    require_organizer(actor, campaign)
    _require_public(campaign)
    if file_format not in PetitionDelivery.FileFormat.values:
        raise ValidationError({"file_format": gettext("Choose PDF, CSV or both.")})
    if decision_maker.campaign_id != campaign.pk:
        raise ValidationError(gettext("That decision-maker is not on this campaign."))
    ratelimits.enforce_user(
        "petition_delivery_user", actor, message="You delivered the petition several times just now; wait a while."
    )
    note = (note or "").strip()[:2000]
    count = Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False).count()
    delivery = PetitionDelivery.objects.create(
        campaign=campaign,
        decision_maker=decision_maker,
        delivered_by=actor,
        emailed_to=decision_maker.email,
        signature_count=count,
        file_format=file_format,
    )
    if decision_maker.email:
        outbox.enqueue(tasks.deliver_petition, delivery.pk, note)  # kept in Postgres if the broker is down
    return delivery


def petition_delivery_email(*, delivery_id: int, note: str = "") -> bool:
    """Mail the petition file to the decision-maker (the task's body). Locks the delivery row;
    once mailed, a rerun sends nothing."""
    with transaction.atomic():
        delivery = (
            PetitionDelivery.objects.select_for_update(of=("self",))
            .select_related("campaign", "decision_maker", "delivered_by")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.emailed_at is not None or not delivery.emailed_to:
            return False
        campaign = delivery.campaign
        # The decision-maker's language is unknown: write in the organizer's (they address them).
        language = getattr(delivery.delivered_by, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            message = _petition_email(delivery, campaign, note)
            for filename, content, mimetype in petition_files(campaign=campaign, file_format=delivery.file_format):
                message.attach(filename, content, mimetype)
        message.send()
        delivery.emailed_at = timezone.now()
        delivery.save(update_fields=["emailed_at"])
        return True


def _petition_email(delivery: PetitionDelivery, campaign: Campaign, note: str) -> EmailMessage:
    organizer = delivery.delivered_by.public_name if delivery.delivered_by else gettext("The organizer")
    count = delivery.signature_count
    signatures = ngettext("%(count)d signature", "%(count)d signatures", count) % {"count": count}
    body = (
        gettext("Dear %(name)s,") % {"name": delivery.decision_maker.name}
        + "\n\n"
        + gettext(
            "%(organizer)s delivers to you the petition “%(title)s”, with %(signatures)s. "
            "The signers' names (as each chose to be shown) and comments are attached."
        )
        % {"organizer": organizer, "title": campaign.title, "signatures": signatures}
        + "\n\n"
        + (f"{note}\n\n" if note else "")
        + gettext("The campaign: %(url)s") % {"url": f"{settings.SITE_URL}{campaign.get_absolute_url()}"}
        + f"\n\n-- \n{settings.SITE_NAME}"
    )
    return EmailMessage(
        subject=gettext("Petition: %(title)s (%(signatures)s)") % {"title": campaign.title, "signatures": signatures},
        body=body,
        to=[delivery.emailed_to],
        reply_to=[delivery.delivered_by.email] if delivery.delivered_by else None,
    )


@transaction.atomic
def petition_response_record(*, delivery: PetitionDelivery, actor, response: str, won: bool) -> PetitionDelivery:
    """The decision-maker's answer, as the organizer reports it; "they said yes" marks the campaign won."""
    require_organizer(actor, delivery.campaign)
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": gettext("Write what they answered.")})
    if len(response) > 5000:
        raise ValidationError({"response": gettext("Keep it under 5,000 characters.")})
    delivery.response = response
    delivery.responded_at = timezone.now()
    delivery.save(update_fields=["response", "responded_at"])
    if won:
        campaign_mark_won(campaign=delivery.campaign, actor=actor, response=response)
    return delivery


@transaction.atomic
def campaign_mark_won(*, campaign: Campaign, actor, response: str = "") -> Campaign:
    """The campaign is won: a badge and the list's filter; followers and the supporters who asked
    for news are told once. Locks the campaign row; marking it again is a no-op."""
    require_organizer(actor, campaign)
    _require_public(campaign)
    locked = lock(campaign)
    if locked.won_at is not None:
        return locked
    locked.won_at = timezone.now()
    locked.save(update_fields=["won_at", "updated_at"])
    context = {
        "title": gettext("%(title)s: we won!") % {"title": locked.title},
        "body": gettext("The decision-maker said yes. Their answer: %(answer)s") % {"answer": response[:1000]}
        if response
        else gettext("The decision-maker said yes."),
        "url": locked.get_absolute_url(),
        "campaign": locked.title,
        "campaign_id": locked.pk,
        "from_organizer": True,
    }
    accounts, guests = campaign_opted_in_audience(campaign=locked, author=actor)
    dedupe_key = f"campaign-won:{locked.pk}"
    notify_bulk(recipients=accounts.order_by("pk"), kind=Kind.CAMPAIGN_UPDATE, context=context, dedupe_key=dedupe_key)
    for email in guests:
        notify(email=email, kind=Kind.CAMPAIGN_UPDATE, context=context, dedupe_key=f"{dedupe_key}:guest:{email}")
    return locked
