# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 IAM_VAR_DIR=/srv/iamconsole/var
WORKDIR /app

# The runtime lock (the same versions as make and CI install), hashes checked, nothing resolved.
COPY requirements.lock requirements.lock
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock

COPY . .
RUN useradd --system --home /srv/iamconsole iamconsole \
    && mkdir -p /srv/iamconsole/var \
    && chown -R iamconsole /srv/iamconsole
USER iamconsole

EXPOSE 8000
CMD ["gunicorn", "iamconsole.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
