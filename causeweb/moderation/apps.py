from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _staff_roles_complete(sender, **kwargs):
    """After every app's migrate, give the staff roles the permissions of models added since their
    data migration (only adds; see causeweb/moderation/roles.py). Runs after auth created them."""
    from django.contrib.auth.models import Group, Permission

    from causeweb.moderation.roles import staff_roles_sync

    staff_roles_sync(group_model=Group, permission_model=Permission)


class ModerationConfig(AppConfig):
    name = "causeweb.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        post_migrate.connect(_staff_roles_complete, dispatch_uid="moderation-staff-roles")

        from causeweb.core.hooks import admin_attention
        from causeweb.moderation import integrations

        admin_attention.register("moderation-flags", integrations.admin_attention, order=10)
        admin_attention.register("moderation-appeals", integrations.admin_attention_appeals, order=11)
