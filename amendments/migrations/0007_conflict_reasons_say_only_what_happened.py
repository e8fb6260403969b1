# The reason an amendment went into conflict used to end with what its author could do; the
# pages and the e-mail now say that once themselves, so it is taken out of the stored reasons.

from django.db import migrations

ADVICE = {
    " The author can update it against the new text (Edit) or withdraw it.": "",
    " The author can confirm the deletion against the new text (Edit) or withdraw it.": "",
    " Withdraw it and propose it again after another paragraph.": "",
    "; the author can confirm it against the new text (Edit) or withdraw it.": (
        ", so deleting it now would remove words its author has not seen."
    ),
}


def drop_advice(apps, schema_editor) -> None:
    Amendment = apps.get_model("amendments", "Amendment")
    for amendment in Amendment.objects.filter(status="conflict").iterator():
        reason = amendment.conflict_reason
        for advice, replacement in ADVICE.items():
            if reason.endswith(advice):
                reason = reason[: -len(advice)] + replacement
        if reason != amendment.conflict_reason:
            amendment.conflict_reason = reason
            amendment.save(update_fields=["conflict_reason"])


class Migration(migrations.Migration):

    dependencies = [
        ("amendments", "0006_amendment_accepted_word_delta"),
    ]

    operations = [
        migrations.RunPython(drop_advice, migrations.RunPython.noop),
    ]
