from datetime import datetime

from django import forms
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from campaigns import selectors as campaign_selectors
from causeweb.core.converters import POSITIVE_INT_MAX
from causeweb.core.exceptions import ValidationError
from causeweb.core.geocoding import geocode
from causeweb.core.validators import validate_no_bidi, validate_single_line
from communities import selectors as community_selectors
from events import selectors
from events.models import TIMEZONE_CHOICES, Event
from events.selectors import EventFilters
from events.timezones import local_to_utc, utc_to_local

LOCAL_DATETIME = {"type": "datetime-local"}


class WallClockDateTimeField(forms.DateTimeField):
    """A naive wall-clock time, to be read in the event's zone (not the viewer's): Django's own
    field would interpret it in the current zone, and refuse times that only exist in the other."""

    widget = forms.DateTimeInput(attrs=LOCAL_DATETIME)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            parsed = super(forms.DateTimeField, self).to_python(value)
        return parsed

    def prepare_value(self, value):
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


def _public_campaigns():
    return campaign_selectors.campaign_list_published_for_choices()


class EventForm(forms.Form):
    """Times are typed as wall-clock times in the event's own zone and stored in UTC."""

    title = forms.CharField(label=_("Title"), max_length=140, validators=[validate_single_line])
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=20_000, help_text=_("Markdown.")
    )
    timezone = forms.ChoiceField(
        label=_("Timezone"), choices=TIMEZONE_CHOICES, initial="UTC", help_text=_("Where the event happens.")
    )
    starts_at = WallClockDateTimeField(label=_("Starts (local time)"))
    ends_at = WallClockDateTimeField(label=_("Ends (local time)"))
    venue_name = forms.CharField(
        label=_("Venue name"), max_length=140, required=False, validators=[validate_single_line]
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False, validators=[validate_single_line])
    city = forms.CharField(label=_("City"), max_length=100, required=False, validators=[validate_single_line])
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    online_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label=_("Online link"),
        help_text=_("Only confirmed attendees and you see it."),
        validators=[validate_single_line],  # also refuses bidi controls (a reversed "gnp.exe")
    )
    accessibility_notes = forms.CharField(
        label=_("Accessibility notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        validators=[validate_no_bidi],
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        max_value=POSITIVE_INT_MAX,
        help_text=_("Leave empty for unlimited."),
    )
    max_guests_per_rsvp = forms.IntegerField(
        min_value=0, max_value=20, initial=2, label=_("Guests each person may bring")
    )
    rsvp_deadline = WallClockDateTimeField(
        required=False,
        label=_("RSVPs close (local time)"),
        help_text=_("Empty: at the start."),
    )
    waitlist_mode = forms.ChoiceField(
        label=_("Waitlist mode"), choices=Event.WaitlistMode.choices, initial=Event.WaitlistMode.AUTO
    )
    claim_window_hours = forms.IntegerField(min_value=1, max_value=168, initial=24, label=_("Claim window (hours)"))
    turnout_minimum = forms.IntegerField(
        label=_("Turnout minimum"),
        required=False,
        min_value=1,
        max_value=POSITIVE_INT_MAX,
        help_text=_("This happens only if this many people commit by the deadline."),
    )
    commitment_deadline = WallClockDateTimeField(required=False, label=_("Commitment deadline (local time)"))
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=campaign_selectors.campaign_list_published_for_choices().none(), required=False
    )
    cause = forms.ModelChoiceField(label=_("Cause"), queryset=campaign_selectors.cause_list().none(), required=False)
    group = forms.ModelChoiceField(
        queryset=community_selectors.group_list_hostable_by(user=None).none(),
        required=False,
        label=_("Hosting group"),
        help_text=_("Groups you moderate."),
    )

    LOCAL_FIELDS = ("starts_at", "ends_at", "rsvp_deadline", "commitment_deadline")

    def __init__(self, *args, event: Event | None = None, user=None, **kwargs):
        if event is not None and "initial" not in kwargs:
            initial = {name: getattr(event, name) for name in self.base_fields if hasattr(event, name)}
            for name in self.LOCAL_FIELDS:
                if initial.get(name):
                    initial[name] = utc_to_local(initial[name], event.timezone).strftime("%Y-%m-%dT%H:%M")
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = _public_campaigns()
        self.fields["cause"].queryset = campaign_selectors.cause_list()
        if user is not None and user.is_authenticated:
            self.fields["group"].queryset = community_selectors.group_list_hostable_by(
                user=user, include_group_id=event.group_id if event is not None else None
            )
        if not self.fields["group"].queryset.exists() and not (event and event.group_id):
            del self.fields["group"]

    def clean(self):
        data = super().clean()
        self._locate(data)
        zone = data.get("timezone")
        if not zone:
            return data
        for name in self.LOCAL_FIELDS:
            value = data.get(name)
            if value is not None:
                try:
                    data[name] = local_to_utc(value, zone, field=name)
                except ValidationError as exc:
                    for message in exc.message_dict.get(name, exc.messages):
                        self.add_error(name, message)
        return data

    def _locate(self, data) -> None:
        """A host who typed a city or an address but no coordinates gets them from the geocoder,
        so the event is found by a search near that place; a name nobody knows stays as typed."""
        if data.get("latitude") is not None or data.get("longitude") is not None:
            if data.get("latitude") is None or data.get("longitude") is None:
                self.add_error(
                    "longitude", gettext("Give both latitude and longitude, or neither to look the place up.")
                )
            return
        for query in (", ".join(p for p in (data.get("address"), data.get("city")) if p), data.get("city")):
            place = geocode(query) if query else None
            if place is not None:
                data["latitude"], data["longitude"] = place.latitude, place.longitude
                return

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("venue_name", "address", "city", "online_url", "accessibility_notes"):
            data[name] = data.get(name) or ""
        return data


class RSVPForm(forms.Form):
    name = forms.CharField(max_length=120, required=False, label=_("Your name"), validators=[validate_single_line])
    email = forms.EmailField(required=False, label=_("Your email"), help_text=_("We send your confirmation here."))
    guests = forms.IntegerField(min_value=0, max_value=20, initial=0, required=False, label=_("Guests you bring"))
    show_publicly = forms.BooleanField(required=False, label=_("Show my name on the event page"))
    keep_updated = forms.BooleanField(
        required=False,
        label=_("Keep me updated about this campaign by email"),
        help_text=_("Unsubscribe with one click from any of these emails."),
    )

    def __init__(self, *args, signed_in: bool = False, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only an event under a campaign has updates to send; consent is unticked unless the
        # SUPPORTER_UPDATES_PRETICKED setting says the law allows otherwise.
        if event is None or not event.campaign_id:
            del self.fields["keep_updated"]
        else:
            self.fields["keep_updated"].initial = settings.SUPPORTER_UPDATES_PRETICKED
        if signed_in:
            del self.fields["name"]
            del self.fields["email"]
        else:
            self.fields["name"].required = True
            self.fields["email"].required = True
        if event is not None:
            if event.max_guests_per_rsvp == 0:
                del self.fields["guests"]
            else:
                self.fields["guests"].max_value = event.max_guests_per_rsvp
                self.fields["guests"].widget.attrs["max"] = event.max_guests_per_rsvp


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", _("Any kind")), *Event.Kind.choices], required=False, label=_("Kind"))
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=campaign_selectors.campaign_list_published_for_choices().none(),
        required=False,
        empty_label=_("Any campaign"),
    )
    cause = forms.ChoiceField(label=_("Cause"), choices=(), required=False)
    mode = forms.ChoiceField(
        choices=[("", _("Online or in person")), ("in_person", _("In person")), ("online", _("Online"))],
        required=False,
        label=_("Where"),
    )
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("From"))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("To"))
    place = forms.CharField(
        max_length=120,
        required=False,
        label=pgettext_lazy("near a place", "Near"),
        widget=forms.TextInput(
            attrs={"placeholder": _("A city, e.g. Lisbon"), "list": "place-suggestions", "autocomplete": "off"}
        ),
        help_text=_('Add the country or US state to pick another: "Lisbon, Ohio".'),
        validators=[validate_single_line],
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, label=_("Latitude"))
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, label=_("Longitude"))
    radius_km = forms.FloatField(required=False, min_value=1, max_value=20_000, initial=50, label=_("Within (km)"))
    past = forms.BooleanField(required=False, label=_("Include past events"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any published campaign validates (one indexed lookup), but the <select> offers a bounded
        # list: campaigns with upcoming events, plus the one chosen (a link may name any campaign).
        field = self.fields["campaign"]
        field.queryset = _public_campaigns()
        offered = selectors.event_campaign_filter_choices()
        chosen = self.data.get("campaign") if self.is_bound else None
        if chosen and str(chosen).isdigit() and int(chosen) not in {pk for pk, _title in offered}:
            extra = field.queryset.filter(pk=int(chosen)).values_list("pk", "title").first()
            if extra:
                offered = [extra, *offered]
        field.widget.choices = [("", field.empty_label), *offered]
        self.fields["cause"].choices = [
            ("", gettext("Any cause")),
            *campaign_selectors.cause_list().values_list("slug", "name"),
        ]

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise forms.ValidationError(gettext("Give both latitude and longitude to search near a point."))
        self.place_name = ""
        if data.get("place"):  # a typed place wins over coordinates left from "use my location"
            place = geocode(data["place"])
            if place is None:
                self.add_error(
                    "place",
                    gettext("We could not find “%(place)s”. Try a nearby larger city.") % {"place": data["place"]},
                )
            else:
                data["lat"], data["lng"] = place.latitude, place.longitude
                self.place_name = data["place"].partition(",")[0].strip()
        return data

    def to_filters(self) -> EventFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return EventFilters(
            kind=data.get("kind") or "",
            campaign_id=data["campaign"].pk if data.get("campaign") else None,
            cause_slug=data.get("cause") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            mode=data.get("mode") or "",
            latitude=data.get("lat"),
            longitude=data.get("lng"),
            place_name=getattr(self, "place_name", ""),
            radius_km=data.get("radius_km") or 50,
            include_past=bool(data.get("past")),
        )


class CheckInForm(forms.Form):
    code = forms.CharField(max_length=12, label=_("Check-in code"))


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, validators=[validate_single_line])
    email = forms.EmailField(label=_("Email"), required=False)
    guests = forms.IntegerField(label=_("Guests"), min_value=0, max_value=20, initial=0, required=False)
    over_capacity = forms.BooleanField(
        required=False,
        label=_("Admit over capacity"),
        help_text=_("Only when the event is full and there is room anyway."),
    )


class RemoveRSVPForm(forms.Form):
    reason = forms.CharField(
        max_length=300, required=False, label=_("Reason (sent to them)"), validators=[validate_single_line]
    )


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=140, validators=[validate_single_line])
    body = forms.CharField(widget=forms.Textarea, max_length=5000, label=_("Message"))


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=300, required=False, label=_("Reason (sent to everyone)"), validators=[validate_single_line]
    )


class DuplicateForm(forms.Form):
    starts_at = WallClockDateTimeField(label=_("New start (local time)"))

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["starts_at"].help_text = gettext("In %(zone)s; same duration and details.") % {
            "zone": event.timezone
        }

    def clean_starts_at(self):
        return local_to_utc(self.cleaned_data["starts_at"], self.event.timezone, field="starts_at")
