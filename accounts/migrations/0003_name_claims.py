"""Names are unique by what they look like: a claim per username and display name.

Existing users are claimed in this order: every username first (oldest account first), then the
display names of admins and editors, then those of members (oldest first). A display name is
first rid of direction controls and invisible characters (as new names are refused with them);
one that then looks like a name claimed before it is cleared, so that its user shows under their
username, and is listed on the console. Two usernames that look alike (possible before: only the
exact spelling was unique in the database) both stay, the later without a claim, and are listed
for an admin to rename one. The migration never fails on a collision.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from textcore.oneline import name_key, one_line
from textcore.words import has_visible_text


def _role_rank(user) -> int:
    return 0 if user.is_superuser or user.role in ("admin", "editor") else 1


def claim_existing_names(apps, schema_editor) -> None:
    User = apps.get_model("accounts", "User")
    NameClaim = apps.get_model("accounts", "NameClaim")
    users = list(User.objects.order_by("pk"))
    owner: dict[str, int] = {}
    notes: list[str] = []
    for user in users:
        key = name_key(user.username)
        if owner.setdefault(key, user.pk) != user.pk:
            notes.append(f"username {user.username!r} (#{user.pk}) looks like #{owner[key]}'s")
    for user in sorted(users, key=lambda u: (_role_rank(u), u.pk)):
        cleaned = one_line(user.display_name)
        cleaned = cleaned if has_visible_text(cleaned) else ""
        if cleaned:
            key = name_key(cleaned)
            if owner.setdefault(key, user.pk) != user.pk:
                notes.append(
                    f"display name {cleaned!r} of {user.username!r} (#{user.pk}) cleared: it "
                    f"looks like #{owner[key]}'s name"
                )
                cleaned = ""
        if cleaned != user.display_name:
            User.objects.filter(pk=user.pk).update(display_name=cleaned)
    NameClaim.objects.bulk_create(
        NameClaim(key=key, user_id=user_id) for key, user_id in owner.items()
    )
    for note in notes:
        print(f"accounts.0003_name_claims: {note}")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_rate_counter'),
    ]

    operations = [
        migrations.CreateModel(
            name='NameClaim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(help_text="SHA-256 of the name's skeleton.", max_length=64, unique=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='name_claims', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.RunPython(claim_existing_names, migrations.RunPython.noop, elidable=False),
    ]
