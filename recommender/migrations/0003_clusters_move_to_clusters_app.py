"""Clustering, Cluster and ClusterMember move to the clusters app (label ``clusters``): state only, tables kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("recommender", "0002_clusters"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in ("ClusterMember", "Cluster", "Clustering")],
            database_operations=[],
        ),
    ]
