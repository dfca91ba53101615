from django.db import migrations

from townsquare.archive.record_words import WORDS_BESIDE_CREATE, WORDS_BESIDE_DROP, on_postgres


class Migration(migrations.Migration):
    """PostgreSQL: the council's, each platform's and each kind's records newest first with their words beside
    them, read alone by a search for common words (townsquare/archive/record_words.py)."""

    dependencies = [("archive", "0005_record_words")]

    operations = [migrations.RunPython(on_postgres(WORDS_BESIDE_CREATE), on_postgres(WORDS_BESIDE_DROP))]
