import factory
from django.utils import timezone

from campaigns.models import CampaignUpdate, Comment, Follow, ShareLink, Signature
from tests.factories import CampaignFactory, CauseFactory, UserFactory  # noqa: F401 - re-exported


class DraftCampaignFactory(CampaignFactory):
    status = "draft"
    published_at = None


class PendingCampaignFactory(CampaignFactory):
    status = "pending_review"
    published_at = None
    submitted_at = factory.LazyFunction(timezone.now)


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"signer{n}@example.net")
    comment = ""
    confirmed_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    campaign = factory.SubFactory(CampaignFactory)
    author = factory.SubFactory(UserFactory)
    body = "I agree with this."
    body_html = "<p>I agree with this.</p>"


class UpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignUpdate

    campaign = factory.SubFactory(CampaignFactory)
    author = factory.LazyAttribute(lambda o: o.campaign.organizer)
    title = factory.Sequence(lambda n: f"Update {n}")
    body = "We met the council."
    body_html = "<p>We met the council.</p>"


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    campaign = factory.SubFactory(CampaignFactory)
    user = factory.SubFactory(UserFactory)


class ShareLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShareLink

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"code{n}")
