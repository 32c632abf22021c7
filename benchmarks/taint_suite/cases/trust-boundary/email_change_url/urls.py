from django.urls import path

from . import views

urlpatterns = [
    path("check_token/<str:username>/<str:token>/<str:new_email>/", views.check_token),
]
