"""CrawlRun, CrawlCursor and CrawlMark move to the crawl app (label ``crawl``): state only, tables and rows kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0007_pendingtask_moves_to_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in ("CrawlRun", "CrawlCursor", "CrawlMark")],
            database_operations=[],
        ),
    ]
