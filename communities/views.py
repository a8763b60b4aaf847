from django.shortcuts import render


def communities_list(request):
    return render(request, "communities/list.html", {})
