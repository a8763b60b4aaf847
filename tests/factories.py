import factory
from django.utils import timezone
from django.utils.text import slugify

from campaigns.models import Campaign, Cause
from causeweb.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            obj.save()
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class CauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cause
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Cause {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organizer = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Clean water for village {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Bring safe drinking water to every household."
    story = "## Why\n\nBecause water is life."
    story_html = "<h2>Why</h2>\n<p>Because water is life.</p>"
    cause = factory.SubFactory(CauseFactory)
    status = Campaign.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


def staff_with_role(role: str, **kwargs):
    """A staff member in one of the staff-role groups (causeweb/moderation/roles.py), with a fresh
    permission cache."""
    from django.contrib.auth.models import Group

    person = UserFactory(is_staff=True, **kwargs)
    person.groups.add(Group.objects.get(name=role))
    return type(person).objects.get(pk=person.pk)
