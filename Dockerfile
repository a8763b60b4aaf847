FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --create-home --uid 1000 causeweb \
    && apt-get update && apt-get install -y --no-install-recommends gettext fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY causeweb ./causeweb
COPY campaigns ./campaigns
COPY fundraising ./fundraising
COPY events ./events
COPY communities ./communities
COPY insights ./insights
RUN pip install .
COPY . .
# collectstatic needs settings but no database or secrets of production.
RUN SECRET_KEY=collectstatic ALLOW_LOCALSTRIPE=true DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput \
    && SECRET_KEY=compilemessages ALLOW_LOCALSTRIPE=true DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py compilemessages

RUN mkdir -p /app/media && chown -R causeweb /app/media
USER causeweb
EXPOSE 8000
CMD ["gunicorn", "causeweb.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
