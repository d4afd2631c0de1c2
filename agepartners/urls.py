from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from agepartners import views
from news import views as news_views
from allauth.account.decorators import secure_admin_login

# The admin login goes through allauth, so its rate limits apply there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth's documented way
admin.site.site_header = "agepartners"
admin.site.site_title = "agepartners"
# The forms need the width (a meeting with its programme inline fits 1280 px); the index lists the models.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("", include("meetings.feed_urls")),
    # News cover images at the address their file field gives, served with the article's
    # permission check (with DEBUG off nothing else serves /media/).
    path("media/news/<path:name>", news_views.cover_image, name="news_cover"),
]

urlpatterns += i18n_patterns(
    path("", include("projects.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("meetings/", include("meetings.urls")),
    path("workgroups/", include("workgroups.urls")),
    path("news/", include("news.urls")),
    path("discussions/", include("communication.urls")),
    path("me/", include("accounts.urls")),
    path("reports/", include("reports.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
