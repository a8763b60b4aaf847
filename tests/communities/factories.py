import factory

from communities.models import Group, Membership
from communities.services import groups as group_services
from communities.services._common import add_member as add_member_locked
from tests.factories import UserFactory


class GroupFactory(factory.django.DjangoModelFactory):
    """A group made through the service, so its owner membership and member count are real."""

    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Neighbours for clean air {n}")
    description = "We meet monthly and **act** together."
    visibility = Group.Visibility.PUBLIC
    location = "Lisbon"
    code_of_conduct = ""

    @classmethod
    def _create(cls, model_class, *args, owner=None, **kwargs):
        owner = owner or UserFactory()
        return group_services.group_create(creator=owner, **kwargs)


def add_member(group, user=None, role=Membership.Role.MEMBER):
    """Put someone in a group with a role, through the services the app uses."""
    from django.utils import timezone

    from communities.models import Group as GroupModel

    user = user or UserFactory()
    with_lock = GroupModel.objects.get(pk=group.pk)
    add_member_locked(with_lock, user, role=role, accepted_at=timezone.now())
    group.refresh_from_db()
    return user
