from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from causeweb.accounts import services
from causeweb.accounts.forms import ProfileForm
from causeweb.core.boundary import form_errors


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            services.user_update_profile(user=request.user, **{k: form.cleaned_data[k] for k in form.fields})
        if call.ok:
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
