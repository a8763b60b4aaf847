"""Create the Moderator, Finance and Admin staff groups (causeweb/moderation/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from causeweb.moderation.roles import ROLE_PERMISSIONS, staff_roles_sync


def create_roles(apps, schema_editor):
    # Permissions are normally created after `migrate` finishes (post_migrate); on a fresh database
    # they do not exist yet, so create them now for every app this migration depends on.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    staff_roles_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0002_suspension"),
        ("accounts", "0001_initial"),
        ("campaigns", "0005_campaign_export_signatures_permission"),
        ("communities", "0003_group_moderate_any_group_permission"),
        ("events", "0002_rsvp_guest_hold"),
        ("fundraising", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
