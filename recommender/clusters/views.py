"""Pages: the cluster list with the candidates compared, one cluster, and the catalog map."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from recommender.generation.selectors import playlist_page_url
from recommender.generation.services import DEFAULT_LENGTH, generate_playlist
from songrec.lib.request_params import parse_int

from . import charts, selectors
from .fitting import MAX_CLUSTERS, MAX_NOISE, MAX_SHARE, MIN_CLUSTERS
from .models import Clustering

COLOR_MODES = ("cluster", "genre")


def track_page_part(request, track):
    """``{"cluster": …}`` for a track's page (registered with catalog.track_page): the track's cluster in the active
    clustering, None when there is none, the track isn't in it, or the track is hidden."""
    return {"cluster": selectors.track_cluster(track) if not track.hidden else None}


def cluster_list(request):
    clustering = selectors.active_clustering()
    context = {"clustering": clustering, "rule": {"min": MIN_CLUSTERS, "max": MAX_CLUSTERS,
                                                  "share": round(MAX_SHARE * 100), "noise": round(MAX_NOISE * 100)}}
    if clustering is not None:
        context.update(clusters=selectors.clusters_of(clustering),
                       candidates=Clustering.objects.filter(version=clustering.version).order_by("algorithm", "id"))
    return render(request, "clusters/list.html", context)


def cluster_detail(request, number):
    clustering = selectors.active_clustering()
    cluster = selectors.cluster_by_number(clustering, int(number)) if clustering is not None else None
    if cluster is None:
        raise Http404("No such cluster in the active clustering.")
    clusters = selectors.clusters_of(clustering)
    page = Paginator(selectors.cluster_tracks(cluster), 50).get_page(request.GET.get("page"))
    context = {"clustering": clustering, "cluster": cluster, "page": page,
               "profile": charts.feature_profile(cluster.feature_means, selectors.catalog_means(clusters))}
    return render(request, "clusters/detail.html", context)


@require_POST
@login_required
def cluster_playlist(request, number):
    """"Make a playlist of this cluster": its most popular songs, as a private playlist of the listener's."""
    length = parse_int(request.POST.get("length"), "length", default=DEFAULT_LENGTH, low=1, high=500)
    generated = generate_playlist(owner=request.user, kind="cluster", params={"cluster": int(number)}, length=length)
    return redirect(playlist_page_url(generated.playlist.pk))


def cluster_map(request):
    clustering = selectors.active_clustering()
    color = request.GET.get("color", "cluster")
    if color not in COLOR_MODES:
        color = "cluster"
    return render(request, "clusters/map.html", {"clustering": clustering, "color": color,
                                                 "color_modes": COLOR_MODES})
