"""The staff roles (offerings/roles.py) as groups with exactly their permissions."""

from django.db import migrations

from offerings.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("delivery", "0001_initial"),
        ("documents", "0001_initial"),
        ("offerings", "0005_workflow_permissions"),
        ("compliance", "0004_workflow_permissions"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
