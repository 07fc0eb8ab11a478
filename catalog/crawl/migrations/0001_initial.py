"""The crawl's models, moved from the catalog app: state only, over the existing ``catalog_crawl…`` tables."""

from django.db import migrations, models

from songrec.lib.model_moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0008_crawl_moves_to_crawl_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CrawlCursor",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("state", models.JSONField(blank=True, default=dict)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={"verbose_name": "crawl cursor", "db_table": "catalog_crawlcursor"},
                ),
                migrations.CreateModel(
                    name="CrawlRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("status", models.CharField(choices=[
                            ("running", "Running"), ("succeeded", "Succeeded"),
                            ("partial", "Stopped early (resumes next run)"), ("failed", "Failed"),
                            ("skipped", "Skipped")], db_index=True, default="running", max_length=16)),
                        ("trigger", models.CharField(choices=[
                            ("schedule", "Schedule"), ("command", "Command"), ("api", "API")],
                            default="command", max_length=16)),
                        ("started_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                        ("message", models.TextField(blank=True, help_text="Why the run ended the way it did")),
                        ("features_provider", models.CharField(blank=True, max_length=32)),
                        ("requests", models.PositiveIntegerField(default=0)),
                        ("seeds", models.PositiveIntegerField(default=0)),
                        ("artists_seen", models.PositiveIntegerField(default=0)),
                        ("artists_adopted", models.PositiveIntegerField(
                            default=0, help_text="Dataset artists given their Spotify id")),
                        ("albums_crawled", models.PositiveIntegerField(default=0)),
                        ("tracks_created", models.PositiveIntegerField(default=0)),
                        ("tracks_updated", models.PositiveIntegerField(default=0)),
                        ("features_filled", models.PositiveIntegerField(default=0)),
                        ("features_missing", models.PositiveIntegerField(
                            default=0, help_text="Tracks no provider had features for")),
                        ("rate_limit_waits", models.PositiveIntegerField(default=0)),
                        ("error_count", models.PositiveIntegerField(default=0)),
                        ("errors", models.JSONField(blank=True, default=list)),
                        ("cursor", models.JSONField(blank=True, default=dict,
                                                    help_text="The cursor as this run left it")),
                        ("drift", models.JSONField(blank=True, default=dict,
                                                   help_text="Feature drift of the tracks this run added")),
                        ("drift_flagged", models.BooleanField(
                            default=False, help_text="The drift passed EXPLORE_DRIFT_PSI_THRESHOLD")),
                    ],
                    options={"ordering": ["-started_at", "-id"], "get_latest_by": "started_at",
                             "db_table": "catalog_crawlrun"},
                ),
                migrations.CreateModel(
                    name="CrawlMark",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("kind", models.CharField(choices=[
                            ("album_tracks", "Album's track list"), ("artist_albums", "Artist's album list"),
                            ("artist_details", "Artist details"),
                            ("artist_search", "Catalog artist looked up by name"),
                            ("features", "Audio features asked for")], max_length=16)),
                        ("key", models.CharField(help_text="A Spotify id, or an Artist pk for name look-ups",
                                                 max_length=64)),
                        ("fetched_at", models.DateTimeField()),
                    ],
                    options={
                        "db_table": "catalog_crawlmark",
                        "indexes": [models.Index(fields=["kind", "fetched_at"], name="catalog_cra_kind_0c6aee_idx")],
                        "constraints": [models.UniqueConstraint(fields=("kind", "key"),
                                                                name="crawlmark_unique_kind_key")],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("catalog", "crawl", "crawlrun", "crawlcursor", "crawlmark"),
    ]
