from django.http import HttpResponse


def home(request):
    return HttpResponse("songrec")


def track_detail(request, spotify_id):
    return HttpResponse(spotify_id)


def artist_detail(request, pk):
    return HttpResponse(pk)
