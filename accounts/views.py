from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import DeleteAccountForm


def _page(request: HttpRequest, form: DeleteAccountForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "blockers": services.erasure_blockers(request.user),
        "has_totp": services.has_totp(request.user),
        "requires_2fa": bool(services.projects_requiring_2fa(request.user)),
    }
    return render(request, "accounts/index.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    return _page(request, DeleteAccountForm(request.user))


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def export(request: HttpRequest) -> HttpResponse:
    filename = f"agepartners-personal-data-{timezone.localdate().isoformat()}.json"
    return JsonResponse(
        services.export_personal_data(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2},
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@never_cache
@login_required
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        services.erase_user(request.user)
    except services.ErasureRefused as exc:
        messages.error(request, str(exc))
        return redirect("accounts:index")
    logout(request)
    messages.success(request, _("Your account has been erased. Thank you for working with the partnership."))
    return redirect("home")
