from django.urls import path

from . import views

urlpatterns = [
    path("check_token/<str:username>/<str:token>/", views.check_token),
    path("change_email/<str:signed>/", views.change_email_verify),
]
