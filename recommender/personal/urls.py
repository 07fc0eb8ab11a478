from django.urls import path

from . import views

app_name = "personal"
urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("me/", views.my_music, name="my_music"),
    path("me/for-you/", views.for_you_page, name="for_you"),
    path("me/for-you/save/", views.save_for_you, name="save_for_you"),
    path("me/start/", views.start, name="start"),
    path("me/import/", views.import_history, name="import"),
    path("me/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("me/reactions/<str:spotify_id>/", views.react, name="react"),
    path("me/export/", views.export, name="export"),
    path("me/delete/", views.delete, name="delete"),
]
