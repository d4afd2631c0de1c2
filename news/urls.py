from django.urls import path

from news import feeds, views

app_name = "news"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("search/", views.search, name="search"),
    path("feed/rss/", feeds.LatestNewsRss(), name="rss"),
    path("feed/atom/", feeds.LatestNewsAtom(), name="atom"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("emails/<slug:project>/", views.subscription, name="subscription"),
    path("<slug:project>/<slug:slug>/", views.detail, name="detail"),
]
