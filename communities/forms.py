from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns import selectors as campaign_selectors
from causeweb.core.converters import ID_MAX, POSITIVE_INT_MAX
from causeweb.core.geocoding import geocode
from causeweb.core.reactions import ReactionToggleForm
from causeweb.core.validators import validate_single_line
from communities.models import Group, Membership, Reaction


class GroupSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or topic"), required=False, max_length=100)
    cause = forms.ModelChoiceField(
        queryset=campaign_selectors.cause_list(), required=False, to_field_name="slug", empty_label=_("Any cause")
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=120)

    def clean(self):
        """A typed place that the geocoder knows also finds groups located near it (their
        coordinates), not only those whose location text contains it."""
        data = super().clean()
        self.near = geocode(data["place"]) if data.get("place") else None
        return data


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, validators=[validate_single_line])
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10_000,
        help_text=_("Markdown is supported."),
    )
    cause = forms.ModelChoiceField(
        label=_("Cause"), queryset=campaign_selectors.cause_list(), required=False, empty_label=_("No particular cause")
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=120,
        required=False,
        validators=[validate_single_line],
        help_text=_("A city, a region, or “Online”."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Group.Visibility.choices, widget=forms.RadioSelect, initial="public"
    )
    code_of_conduct = forms.CharField(
        label=_("Code of conduct"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10_000,
        help_text=_("Optional rules people accept when they join (Markdown)."),
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_("A square image works best (JPEG, PNG, WebP or GIF, at least 64×64, up to 5 MB)."),
    )

    def clean(self):
        """Like an event's place: a typed location without coordinates gets them from the geocoder
        (the group then appears on the map and in searches near it); one nobody knows stays text."""
        data = super().clean()
        if data.get("latitude") is None and data.get("longitude") is None and data.get("location"):
            place = geocode(data["location"])
            if place is not None:
                data["latitude"], data["longitude"] = place.latitude, place.longitude
        return data


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("A message to the moderators (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )
    accept_code_of_conduct = forms.BooleanField(
        label=_("I have read and accept the group's code of conduct"), required=False
    )

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        if group.visibility != Group.Visibility.REQUEST:
            del self.fields["message"]
        if not group.code_of_conduct:
            del self.fields["accept_code_of_conduct"]


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160, validators=[validate_single_line])
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_("Markdown is supported."),
    )


class PostForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000)
    parent = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput)


class PostEditForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000)


class InvitationForm(forms.Form):
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=90, initial=7)
    # The column is a PositiveIntegerField: above 2**31 - 1 Postgres refuses the row (a 500 before).
    max_uses = forms.IntegerField(
        label=_("Maximum uses (empty: no limit)"), min_value=1, max_value=POSITIVE_INT_MAX, required=False
    )
    note = forms.CharField(
        label=_("Note (who it is for)"), max_length=120, required=False, validators=[validate_single_line]
    )


class AnnouncementForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=140, validators=[validate_single_line])
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10_000)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ReactionForm(ReactionToggleForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Reaction.Kind.choices)


class GroupCampaignForm(forms.Form):
    campaign = forms.CharField(
        label=_("Campaign address"), max_length=200, help_text=_("The campaign's link or its short name (slug).")
    )

    def clean_campaign(self):
        value = self.cleaned_data["campaign"].strip().rstrip("/")
        return value.rsplit("/", 1)[-1]
