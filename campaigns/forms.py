from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Cause, Comment, CommentReaction, Signature, WebhookEndpoint
from campaigns.selectors import SORTS
from causeweb.core.images import validate_image
from causeweb.core.money import CURRENCY_CHOICES, MAX_AMOUNT_TEXT, currency_exponent, parse_amount, to_major
from causeweb.core.reactions import ReactionToggleForm
from causeweb.core.validators import validate_single_line
from causeweb.moderation.selectors import flag_reason_choices

GOAL_MAX_MINOR = 10**12 - 1  # what the old 12-digit goal field allowed


class CampaignForm(forms.Form):
    title = forms.CharField(max_length=120, validators=[validate_single_line], label=_("Title"))
    summary = forms.CharField(
        max_length=280,
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 280}),
        help_text=_("Up to 280 characters; shown in previews and when people share the campaign."),
    )
    story = forms.CharField(
        label=_("Story"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: ## headings, **bold**, lists, [links](https://…) and ![images](https://…)."),
    )
    cause = forms.ModelChoiceField(queryset=Cause.objects.all(), label=_("Cause"), empty_label=_("Choose a cause"))
    # Left out of a post (older clients, tests): a new campaign is in the active language and an
    # edit keeps the campaign's.
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        initial=translation.get_language,
        label=_("Language"),
        help_text=_("The language you write the title, summary and story in. You can add translations later."),
    )
    tags = forms.CharField(
        required=False,
        max_length=400,
        label=_("Tags"),
        help_text=_("Comma-separated, e.g. plastic, oceans, schools (at most 8)."),
    )
    location = forms.CharField(
        max_length=120,
        required=False,
        label=_("Location"),
        validators=[validate_single_line],
        help_text=_("A city, region or “Online”."),
    )
    cover = forms.ImageField(
        required=False,
        label=_("Cover"),
        help_text=_("JPEG, PNG, WebP or GIF, at least 200×100 pixels, at most 5 MB. We store a resized copy."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    cover_alt = forms.CharField(
        max_length=200,
        required=False,
        label=_("Cover description"),
        help_text=_("What the picture shows, for screen readers."),
    )
    petition_target = forms.IntegerField(
        required=False, min_value=1, max_value=100_000_000, label=_("Signature target"), help_text=_("Optional.")
    )
    # Typed text, read by the currency's and the organizer's locale like a donation amount
    # (parse_amount): a DecimalField reads the German "10.000" as ten.
    goal = forms.CharField(
        required=False,
        max_length=MAX_AMOUNT_TEXT,
        label=_("Fundraising goal"),
        help_text=_("Optional. Leave empty if you are not raising money."),
    )
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, initial="EUR", label=_("Currency"))
    deadline = forms.DateTimeField(
        required=False,
        label=_("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Optional. The campaign closes then."),
    )

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict:
        return {
            "title": campaign.title,
            "summary": campaign.summary,
            "story": campaign.story,
            "cause": campaign.cause_id,
            "language": campaign.language,
            "tags": ", ".join(tag.name for tag in campaign.tags.all()),
            "location": campaign.location,
            "cover_alt": campaign.cover_alt,
            "petition_target": campaign.petition_target,
            "goal": str(to_major(campaign.goal_minor, campaign.currency)) if campaign.goal_minor else "",
            "currency": campaign.currency,
            "deadline": campaign.deadline,
        }

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "size"):
            validate_image(cover)  # the service checks again; this shows the error with the others
        return cover

    def clean(self):
        data = super().clean()
        goal, currency = (data.get("goal") or "").strip(), data.get("currency") or "EUR"
        data["goal_minor"] = None
        if goal:
            try:
                goal_minor = parse_amount(goal, currency)
            except ValidationError as exc:
                self.add_error("goal", exc)
            else:
                if goal_minor < 10 ** currency_exponent(currency):
                    self.add_error("goal", gettext("A goal is at least 1 in the campaign's currency."))
                elif goal_minor > GOAL_MAX_MINOR:
                    self.add_error("goal", gettext("That goal is larger than we can take."))
                else:
                    data["goal_minor"] = goal_minor
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "story": data["story"],
            "cause": data["cause"],
            "tags": data.get("tags") or "",
            "location": data.get("location") or "",
            "cover": data.get("cover") or None,
            "cover_alt": data.get("cover_alt") or "",
            "petition_target": data.get("petition_target"),
            "goal_minor": data.get("goal_minor"),
            "currency": data.get("currency") or "EUR",
            "deadline": data.get("deadline"),
            **({"language": data["language"]} if data.get("language") else {}),
        }


class CampaignTranslationForm(forms.Form):
    """One translation of a campaign's title, summary and story (campaigns.services.translations)."""

    language = forms.ChoiceField(choices=settings.LANGUAGES, label=_("Language"))
    title = forms.CharField(max_length=120, validators=[validate_single_line], label=_("Title"))
    summary = forms.CharField(
        max_length=280, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 280}), label=_("Summary")
    )
    story = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}),
        label=_("Story"),
        help_text=_("Markdown, like the original story."),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in settings.LANGUAGES if code != campaign.language
        ]


class BrowseForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=pgettext_lazy("verb", "Search"))
    cause = forms.SlugField(required=False)
    tag = forms.SlugField(required=False, allow_unicode=True)  # an Arabic tag keeps its words
    location = forms.CharField(required=False, max_length=120)
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Open and closed")),
            ("open", _("Open")),
            ("closed", pgettext_lazy("campaign status", "Closed")),
            ("won", pgettext_lazy("campaign status", "Won")),
        ],
    )
    sort = forms.ChoiceField(required=False, choices=[("", _("Best match")), *SORTS.items()])


class SignatureForm(forms.ModelForm):
    class Meta:
        model = Signature
        fields = ["name", "email", "comment", "is_public", "keep_updated"]
        labels = {
            "name": _("Name"),
            "email": _("Email"),
            "is_public": _("Show my name and comment on the campaign page"),
            "comment": _("Why are you signing?"),
            "keep_updated": _("Keep me updated about this campaign by email"),
        }
        widgets = {"comment": forms.Textarea(attrs={"rows": 2, "maxlength": 500})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = False
        self.fields["name"].validators.append(validate_single_line)
        self.fields["is_public"].help_text = ""  # the label says it all
        # Consent must be given, not assumed, where SUPPORTER_UPDATES_PRETICKED is off (the default).
        self.fields["keep_updated"].initial = settings.SUPPORTER_UPDATES_PRETICKED
        self.fields["keep_updated"].help_text = _("Unsubscribe with one click from any of these emails.")
        if getattr(user, "is_authenticated", False):
            # A signed-in person signs with their account's (verified) address.
            del self.fields["email"]
            self.fields["name"].initial = user.public_name

    def validate_unique(self):
        """The service checks uniqueness (and says so kindly); the form only parses input."""


class UpdateForm(forms.Form):
    """Shown on the campaign page next to the comment form, so its ids get their own prefix."""

    title = forms.CharField(max_length=120, validators=[validate_single_line], label=_("Title"))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), help_text=_("Markdown."), label=_("Update"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "update_%s")
        super().__init__(*args, **kwargs)


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": _("Your comment")}
        widgets = {"body": forms.Textarea(attrs={"rows": 3, "maxlength": 5000})}


class CommentReactionForm(ReactionToggleForm):
    kind = forms.ChoiceField(choices=CommentReaction.Kind.choices)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(choices=flag_reason_choices, label=_("Reason"))
    note = forms.CharField(required=False, max_length=1000, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Emailed to the organizer: say what to change so it can be approved."),
    )


class MessageForm(forms.Form):
    """The organizer's message to supporters; `segments` are campaigns.hooks.MessageSegment."""

    segment = forms.ChoiceField(label=_("To"))
    subject = forms.CharField(max_length=140, validators=[validate_single_line], label=_("Subject"))
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}), max_length=10_000, label=_("Body"), help_text=_("Markdown.")
    )

    def __init__(self, *args, segments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [(segment.key, segment.label) for segment in segments]


class DecisionMakerForm(forms.Form):
    name = forms.CharField(max_length=120, validators=[validate_single_line], label=_("Name"))
    role = forms.CharField(
        max_length=160,
        label=_("Role"),
        required=False,
        validators=[validate_single_line],
        help_text=_("E.g. Mayor of Lisbon"),
    )
    email = forms.EmailField(
        required=False, label=_("Email"), help_text=_("Optional: to deliver the petition by email from the site.")
    )


class PetitionResponseForm(forms.Form):
    response = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label=_("What they answered"))
    won = forms.BooleanField(required=False, label=_("They said yes: mark the campaign won (supporters are told)"))


class WebhookForm(forms.Form):
    url = forms.URLField(max_length=500, label="URL", help_text=_("Where we POST the events (https)."))
    event_types = forms.MultipleChoiceField(
        choices=WebhookEndpoint.EventType.choices, widget=forms.CheckboxSelectMultiple, label=_("Events")
    )
