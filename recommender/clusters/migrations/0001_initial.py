"""The clusters' models, moved from the recommender app: state only, over the existing ``recommender_cluster…``
tables."""

import django.db.models.deletion
from django.db import migrations, models

from songrec.lib.model_moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0001_initial"),
        ("recommender", "0003_clusters_move_to_clusters_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Clustering",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("algorithm", models.CharField(help_text="pca-kmeans, minibatch-kmeans or hdbscan",
                                                       max_length=32)),
                        ("params", models.JSONField(default=dict)),
                        ("metrics", models.JSONField(
                            default=dict, help_text="silhouette (sample), calinski_harabasz, davies_bouldin, …")),
                        ("sizes", models.JSONField(default=list, help_text="tracks per cluster, largest first")),
                        ("n_clusters", models.PositiveIntegerField(default=0)),
                        ("fit_seconds", models.FloatField(default=0.0)),
                        ("mlflow_run_id", models.CharField(blank=True, max_length=64)),
                        ("eligible", models.BooleanField(default=False,
                                                         help_text="passes the selection rule's bounds")),
                        ("active", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("version", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                      related_name="clusterings", to="recommender.indexversion")),
                    ],
                    options={
                        "db_table": "recommender_clustering",
                        "ordering": ["-id"],
                        "constraints": [models.UniqueConstraint(condition=models.Q(("active", True)),
                                                                fields=("active",), name="one_active_clustering")],
                    },
                ),
                migrations.CreateModel(
                    name="Cluster",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("number", models.IntegerField(help_text="-1 collects HDBSCAN's noise")),
                        ("label", models.CharField(max_length=300)),
                        ("size", models.PositiveIntegerField()),
                        ("top_genres", models.JSONField(default=list,
                                                        help_text="[[genre, share of the cluster's tracks], …]")),
                        ("distinctive", models.JSONField(default=list,
                                                         help_text="[[feature, z-score of the cluster mean], …]")),
                        ("feature_means", models.JSONField(default=dict,
                                                           help_text="mean raw audio features of the cluster")),
                        ("color", models.CharField(max_length=7)),
                        ("clustering", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                         related_name="clusters", to="clusters.clustering")),
                    ],
                    options={
                        "db_table": "recommender_cluster",
                        "ordering": ["clustering", "-size"],
                        "constraints": [models.UniqueConstraint(fields=("clustering", "number"),
                                                                name="cluster_unique_number")],
                    },
                ),
                migrations.CreateModel(
                    name="ClusterMember",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("x", models.FloatField()),
                        ("y", models.FloatField()),
                        ("on_map", models.BooleanField(default=False,
                                                       help_text="in the sample the catalog map draws")),
                        ("cluster", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                      related_name="members", to="clusters.cluster")),
                        ("track", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                    related_name="cluster_memberships", to="catalog.track")),
                    ],
                    options={
                        "db_table": "recommender_clustermember",
                        "indexes": [models.Index(fields=["cluster", "on_map"], name="recommender_cluster_dae625_idx")],
                        "constraints": [models.UniqueConstraint(fields=("cluster", "track"),
                                                                name="clustermember_unique_track")],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("recommender", "clusters", "clustering", "cluster", "clustermember"),
    ]
