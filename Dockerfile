# The municipalities' portal (brochure serve) as a container; see docs/portal.md.
#   docker build -t brochure-portal .
#   docker run -d -p 127.0.0.1:8000:8000 -v brochure-data:/data brochure-portal
# Put a reverse proxy with TLS in front (docs/portal.md). SMTP: DIR/mail.toml in the volume,
# the password as a secret file (password_file = "/run/secrets/smtp").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BROCHURE_CACHE=/var/cache/brochure

RUN groupadd --system --gid 10001 brochure \
 && useradd --system --uid 10001 --gid brochure --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin brochure

WORKDIR /opt/brochure
COPY pyproject.toml README.md ./
COPY pipeline ./pipeline
COPY templates ./templates
# Editable: the brochure types in templates/ are read beside the package, as in a checkout.
# The fonts the product bundles come with its pinned packages (font-source-sans-pro,
# font-source-serif-pro); they are prepared for Typst once here, not at each start.
RUN pip install --no-compile -e . \
 && mkdir -p /data "$BROCHURE_CACHE" \
 && python -c "from pipeline.render.fonts import typst_font_folder; typst_font_folder()" \
 && chown -R brochure:brochure /data "$BROCHURE_CACHE"

USER brochure
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
# 0.0.0.0 inside the container only: publish the port on the host's loopback, behind the proxy.
CMD ["brochure", "serve", "--data", "/data", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
